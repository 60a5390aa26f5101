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
}
