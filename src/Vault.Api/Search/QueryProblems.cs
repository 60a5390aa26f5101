using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Search.QueryLanguage;

namespace Vault.Api.Search;

/// <summary>
/// A query the search language refuses (a syntax error, a prefix that matches too many words), answered alike wherever a
/// query is taken: a 400 validation problem naming the field, the parser's words as its detail (the dashboard shows them),
/// and the 0-based <c>position</c> ARCHITECTURE.md's contract asks for.
/// </summary>
internal static class QueryProblems
{
    public static ValidationProblem Refused(SearchQueryException exception, string field) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [exception.Message] },
            detail: exception.Message,
            title: "The query cannot be searched",
            extensions: new Dictionary<string, object?> { ["position"] = exception.Position });
}
