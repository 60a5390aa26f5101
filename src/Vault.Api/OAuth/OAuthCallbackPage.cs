using System.Text.Encodings.Web;
using Vault.Ingestion.OAuth;

namespace Vault.Api.OAuth;

/// <summary>
/// The page <c>/oauth/callback</c> shows when a sign-in cannot be completed: what happened and what to do, in the
/// dashboard's style (its stylesheet, no script). Everything shown is encoded; none of it is a secret.
/// </summary>
public static class OAuthCallbackPage
{
    public static string Render(OAuthCallbackResult result, string dashboardPath)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = HtmlEncoder.Default;
        var error = result.Error!;
        var title = result.Outcome switch
        {
            OAuthCallbackOutcome.UnknownState => "Vault does not know this sign-in",
            OAuthCallbackOutcome.Replayed => "This sign-in was already used",
            OAuthCallbackOutcome.Expired => "This sign-in expired",
            OAuthCallbackOutcome.Denied => "The sign-in was not completed",
            _ => "Vault could not connect the mailbox",
        };
        var mailbox = result.SourceName is null ? string.Empty : $"<p>Mailbox: <strong>{html.Encode(result.SourceName)}</strong></p>";
        var said = error.ServerResponse is null ? string.Empty : $"<p>The provider said: <code>{html.Encode(error.ServerResponse)}</code></p>";
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <meta name="referrer" content="no-referrer">
              <title>{html.Encode(title)} · Vault</title>
              <link rel="stylesheet" href="{html.Encode(dashboardPath)}app.css">
            </head>
            <body>
              <main id="view">
                <section class="card error-panel" id="oauth-result" data-outcome="{html.Encode(result.Outcome.ToString())}" data-code="{html.Encode(error.Code)}">
                  <h1>{html.Encode(title)}</h1>
                  {mailbox}
                  <p class="error-message">{html.Encode(error.Message)}</p>
                  <p class="hint"><strong>What to do: </strong>{html.Encode(error.Hint)}</p>
                  {said}
                  <p><a class="button primary" href="{html.Encode(dashboardPath)}#/sources">Back to Vault's sources</a></p>
                </section>
              </main>
            </body>
            </html>
            """;
    }
}
