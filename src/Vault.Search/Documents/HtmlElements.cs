using MimeKit.Text;

namespace Vault.Search.Documents;

/// <summary>How each HTML element separates text, after the CSS defaults of HTML Living Standard §15 (Rendering).</summary>
internal static class HtmlElements
{
    public static TextBreak BreakOf(HtmlTagId id) => id switch
    {
        HtmlTagId.A or HtmlTagId.Abbr or HtmlTagId.Acronym or HtmlTagId.B or HtmlTagId.Bdi or HtmlTagId.Bdo
            or HtmlTagId.Big or HtmlTagId.Blink or HtmlTagId.Cite or HtmlTagId.Code or HtmlTagId.Del or HtmlTagId.Dfn
            or HtmlTagId.EM or HtmlTagId.Font or HtmlTagId.I or HtmlTagId.Ins or HtmlTagId.Kbd or HtmlTagId.Label
            or HtmlTagId.Mark or HtmlTagId.NoBR or HtmlTagId.Q or HtmlTagId.Ruby or HtmlTagId.S or HtmlTagId.Samp
            or HtmlTagId.Small or HtmlTagId.Span or HtmlTagId.Strike or HtmlTagId.Strong or HtmlTagId.Sub
            or HtmlTagId.Sup or HtmlTagId.Time or HtmlTagId.TT or HtmlTagId.U or HtmlTagId.Var or HtmlTagId.Wbr
            => TextBreak.None,
        HtmlTagId.Address or HtmlTagId.Article or HtmlTagId.Aside or HtmlTagId.BlockQuote or HtmlTagId.Body
            or HtmlTagId.Br or HtmlTagId.Caption or HtmlTagId.Center or HtmlTagId.DD or HtmlTagId.Details
            or HtmlTagId.Dialog or HtmlTagId.Dir or HtmlTagId.Div or HtmlTagId.DL or HtmlTagId.DT or HtmlTagId.FieldSet
            or HtmlTagId.FigCaption or HtmlTagId.Figure or HtmlTagId.Footer or HtmlTagId.Form or HtmlTagId.H1
            or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6 or HtmlTagId.Header
            or HtmlTagId.HR or HtmlTagId.Html or HtmlTagId.Legend or HtmlTagId.LI or HtmlTagId.Listing
            or HtmlTagId.Main or HtmlTagId.Menu or HtmlTagId.Nav or HtmlTagId.OL or HtmlTagId.Option or HtmlTagId.P
            or HtmlTagId.PlainText or HtmlTagId.Pre or HtmlTagId.Section or HtmlTagId.Select or HtmlTagId.Summary
            or HtmlTagId.Table or HtmlTagId.TBody or HtmlTagId.TD or HtmlTagId.TextArea or HtmlTagId.Tfoot
            or HtmlTagId.TH or HtmlTagId.THead or HtmlTagId.TR or HtmlTagId.UL or HtmlTagId.Xmp
            => TextBreak.Line,
        _ => TextBreak.Blank,
    };
}
