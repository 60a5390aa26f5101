namespace Vault.TestSupport;

/// <summary>Output of <c>../shared/bench/gen_corpus.py</c>: a Maildir++ tree and its JSON manifest (counts, needles).</summary>
public sealed record GeneratedCorpus(string Maildir, string Manifest);
