namespace Vault.Search.QueryLanguage;

/// <summary>A parsed operand: its query (null when its words analyse to nothing) and whether it is negated.</summary>
internal sealed record QueryClause(Lucene.Net.Search.Query? Query, bool Negated);
