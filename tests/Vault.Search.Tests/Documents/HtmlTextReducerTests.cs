using Vault.Search.Documents;

namespace Vault.Search.Tests.Documents;

public sealed class HtmlTextReducerTests
{
    [Theory]
    [InlineData("<p>Hello&nbsp;<b>World</b></p><p>Second</p>", "Hello World\nSecond")]
    [InlineData("<script>alert(1)</script>Visible<style>p{}</style>", "Visible")]
    [InlineData("a<!-- hidden -->b", "ab")]
    [InlineData("&lt;tag&gt; &amp; &#228;&#x00FC;", "<tag> & äü")]
    [InlineData("unclosed <b tag", "unclosed")]
    [InlineData("<SCRIPT type=x>bad</SCRIPT >ok", "ok")]
    public void Html_becomes_readable_text(string html, string expected) => Assert.Equal(expected, HtmlTextReducer.Reduce(html));

    [Theory]
    [InlineData("a < b and c", "a < b and c")]
    [InlineData("<p>1 <2 and 3>2</p>", "1 <2 and 3>2")]
    [InlineData("if x<=y then", "if x<=y then")]
    public void A_less_than_sign_that_opens_no_tag_is_text(string html, string expected) => Assert.Equal(expected, HtmlTextReducer.Reduce(html));

    [Theory]
    [InlineData("<a title=\"x>y\">link</a>", "link")]
    [InlineData("<a title='x>y' href=\"/?a=1&b=2\">link</a> after", "link after")]
    [InlineData("<img alt=\"a > b\" src=x>caption", "caption")]
    public void A_greater_than_sign_inside_a_quoted_attribute_ends_no_tag(string html, string expected) => Assert.Equal(expected, HtmlTextReducer.Reduce(html));

    [Theory]
    [InlineData("<head><title>Title</title><style>p { color: red }</style><meta charset=utf-8></head><body>Body</body>", "Body")]
    [InlineData("<html><head><title>Title</title><body><p>Body without a closed head</p></body></html>", "Body without a closed head")]
    [InlineData("<head><o:OfficeDocumentSettings>settings</o:OfficeDocumentSettings></head>Body", "Body")]
    [InlineData("<noscript>enable scripts</noscript><template><p>later</p></template>shown", "shown")]
    [InlineData("<script>if (a < b) { s = '</p>' }</script>after", "after")]
    [InlineData("<script src=x />after", "after")]
    public void Head_script_style_and_template_content_is_not_text(string html, string expected) => Assert.Equal(expected, HtmlTextReducer.Reduce(html));

    [Theory]
    [InlineData("<b>Wor</b>ld <span>sp</span>an", "World span")]
    [InlineData("one<br>two<br/>three", "one\ntwo\nthree")]
    [InlineData("<table><tr><td>cell</td><td>next</td></tr></table>", "cell\nnext")]
    [InlineData("<ul><li>first</li><li>second</li></ul>", "first\nsecond")]
    [InlineData("word<img src=x>word<o:p></o:p>end", "word word end")]
    [InlineData("source\nline   breaks\tare blanks", "source line breaks are blanks")]
    [InlineData("<pre>line 1\nline 2</pre>after\nthis", "line 1\nline 2\nafter this")]
    [InlineData("  <p>  padded  </p>  ", "padded")]
    public void Blocks_break_lines_inline_elements_join_and_blanks_collapse(string html, string expected) =>
        Assert.Equal(expected, HtmlTextReducer.Reduce(html));

    [Theory]
    [InlineData("<p>abc</p><p>def</p>", 5, "abc\nd")]
    [InlineData("<p>abc</p><p>def</p>", 3, "abc")]
    [InlineData("abcdef", 1, "a")]
    public void Text_stops_at_the_maximum_length(string html, int maxLength, string expected)
    {
        var text = HtmlTextReducer.Reduce(html, maxLength);
        Assert.Equal(expected, text);
        Assert.True(text.Length <= maxLength);
    }
}
