using MimeKit.Text;

namespace Vault.Search.Documents;

/// <summary>
/// Follows the parts of an HTML document a reader never sees: the head, and elements whose content is code,
/// styling or metadata (script, style, title, noscript, template) wherever they appear.
/// </summary>
internal sealed class HtmlHiddenScope
{
    private string? _element;
    private bool _inHead;

    /// <summary>Text seen now is not shown.</summary>
    public bool IsHidden => _element is not null || _inHead;

    /// <summary>Takes <paramref name="tag"/> into account; true when it opens, closes or lies inside hidden content.</summary>
    public bool Hides(HtmlTagToken tag)
    {
        if (_element is not null)
        {
            if (tag.IsEndTag && tag.Name.Equals(_element, StringComparison.OrdinalIgnoreCase))
            {
                _element = null;
            }

            return true;
        }

        if (!tag.IsEndTag && !tag.IsEmptyElement && IsHiddenElement(tag))
        {
            _element = tag.Name;
            return true;
        }

        if (tag.Id == HtmlTagId.Head)
        {
            _inHead = !tag.IsEndTag && !tag.IsEmptyElement;
            return true;
        }

        // A head left open ends where the body or its first block begins (HTML §13.2.6.4.4, "in head" mode), so a
        // missing </head> does not hide the whole message; meta, link and unknown tags (Outlook's <o:...>) keep it open.
        if (_inHead && !tag.IsEndTag && (tag.Id == HtmlTagId.Body || HtmlElements.BreakOf(tag.Id) == TextBreak.Line))
        {
            _inHead = false;
        }

        return _inHead;
    }

    private static bool IsHiddenElement(HtmlTagToken tag) => tag.Id switch
    {
        HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Title or HtmlTagId.NoScript => true,

        // MimeKit has no id for <template>.
        HtmlTagId.Unknown => tag.Name.Equals("template", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
