using System.Net;

namespace Vault.Api.Onboarding;

/// <summary>
/// The short pages a link answers with when it opens nothing: 404 for a link Vault does not know, 410 for one that expired,
/// was withdrawn or whose connector is gone. No detail: the page does not say which.
/// </summary>
public static class OnboardingPages
{
    public static IResult NotFound() => Page(
        StatusCodes.Status404NotFound,
        "Link not found",
        "Vault does not know this link. Check that you copied the whole address from the message you received.");

    public static IResult Gone() => Page(
        StatusCodes.Status410Gone,
        "This link no longer works",
        "It has expired or was withdrawn. Ask your administrator for a new one.");

    private static IResult Page(int status, string title, string text) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="referrer" content="no-referrer">
          <meta name="robots" content="noindex">
          <title>{WebUtility.HtmlEncode(title)} · Vault</title>
          <link rel="stylesheet" href="/app.css">
          <link rel="stylesheet" href="/onboarding/onboard.css">
        </head>
        <body>
          <header class="onboard-bar"><span class="brand">Vault</span> <span class="muted-light">mail archive</span></header>
          <main class="onboard" id="view">
            <div class="card">
              <h1>{WebUtility.HtmlEncode(title)}</h1>
              <p>{WebUtility.HtmlEncode(text)}</p>
            </div>
          </main>
        </body>
        </html>
        """,
        "text/html; charset=utf-8",
        statusCode: status);
}
