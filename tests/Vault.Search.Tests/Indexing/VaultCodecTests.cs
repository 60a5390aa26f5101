using System.Text;
using Lucene.Net.Codecs;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Vault.Search.Analysis;
using Vault.Search.Indexing;
using Vault.Search.Searching;
using Vault.Search.Tests.Mailboxes;
using Vault.TestSupport;

namespace Vault.Search.Tests.Indexing;

public sealed class VaultCodecTests
{
    private static byte[] Message(string subject, string body) =>
        Encoding.UTF8.GetBytes($"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: {subject}\r\nDate: Thu, 02 Mar 2023 10:00:00 +0000\r\n\r\n{body}\r\n");

    [Fact]
    public async Task An_index_written_by_Lucenes_own_codec_keeps_serving_and_new_segments_use_zstd()
    {
        using var data = new TempDirectory("vault-codec");
        var path = Path.Combine(data.Path, "index");
        var old = Message("quarterly figures", "the budget review is on Friday " + new string('x', 3000));

        // An index as Vault wrote it before this codec: Lucene's default (Lucene46), documents from the same builder.
        using (var directory = FSDirectory.Open(path))
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(MailAnalyzer.Version, new IndexAnalyzer())))
        {
            Assert.Equal("Lucene46", writer.Config.Codec.Name);
            var metadata = FileIndexing.Metadata(old, "src", "INBOX", 1);
            writer.AddDocument(FileIndexing.Build(old, metadata, attachmentText: null));
            writer.Commit();
        }

        using (var index = new SearchIndex(path))
        {
            var search = new SearchService(index, TimeProvider.System);
            var hit = Assert.Single((await search.SearchAsync("budget", 1, 20, SearchSort.Date, TestContext.Current.CancellationToken)).Hits);
            Assert.Equal("quarterly figures", hit.Subject);
            Assert.Contains("budget review", hit.Snippet, StringComparison.Ordinal);

            var added = Message("minutes", "the budget was approved");
            index.Upsert(FileIndexing.Build(added, FileIndexing.Metadata(added, "src", "INBOX", 2), attachmentText: null));
            await index.CommitAsync(2, TestContext.Current.CancellationToken);
            var hits = (await search.SearchAsync("budget", 1, 20, SearchSort.Date, TestContext.Current.CancellationToken)).Hits;
            Assert.Equal(["minutes", "quarterly figures"], hits.Select(h => h.Subject).Order(StringComparer.Ordinal));
        }

        // The old segment is one compound file; the new one is not, so its stored fields and positions can be read by calls.
        var extensions = System.IO.Directory.GetFiles(path).Select(Path.GetExtension).ToHashSet();
        Assert.Contains(".cfs", extensions);
        Assert.Contains(".fdt", extensions);
        Assert.Contains(".pos", extensions);

        using (var directory = FSDirectory.Open(path))
        {
            var infos = new SegmentInfos();
            infos.Read(directory);
            Assert.Equal(["Lucene46", "Vault46"], infos.Select(s => s.Info.Codec.Name).Order(StringComparer.Ordinal));

            // Lucene's merge rewrites the old segment in this codec; the documents read back the same.
            using (var writer = new IndexWriter(directory, new IndexWriterConfig(MailAnalyzer.Version, new IndexAnalyzer()) { Codec = new VaultCodec() }))
            {
                writer.ForceMerge(1);
                writer.Commit();
            }

            infos = new SegmentInfos();
            infos.Read(directory);
            Assert.Equal("Vault46", Assert.Single(infos).Info.Codec.Name);
        }

        using (var index = new SearchIndex(path))
        {
            var search = new SearchService(index, TimeProvider.System);
            var hits = (await search.SearchAsync("budget", 1, 20, SearchSort.Date, TestContext.Current.CancellationToken)).Hits;
            Assert.Equal(["minutes", "quarterly figures"], hits.Select(h => h.Subject).Order(StringComparer.Ordinal));
            Assert.All(hits, h => Assert.Equal("\"Alice\" <alice@example.org>", h.From));
        }
    }

    [Fact]
    public async Task Stored_fields_positions_postings_and_terms_are_read_by_calls_and_the_sort_values_are_mapped()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/maps");
        using var data = new TempDirectory("vault-codec");
        var path = Path.Combine(data.Path, "index");
        using var index = new SearchIndex(path);
        for (var uid = 1; uid <= 50; uid++)
        {
            var raw = Message($"report {uid}", $"the quarterly budget review, part {uid}");
            index.Upsert(FileIndexing.Build(raw, FileIndexing.Metadata(raw, "src", "INBOX", uid), attachmentText: null));
        }

        await index.CommitAsync(50, TestContext.Current.CancellationToken);
        var search = new SearchService(index, TimeProvider.System);
        Assert.Equal(50, (await search.SearchAsync("\"quarterly budget\"", 1, 20, SearchSort.Date, TestContext.Current.CancellationToken)).Total);

        // A merge reads every byte of its inputs: mapped, the big files would count in Vault's resident memory.
        var mapped = File.ReadLines("/proc/self/maps").Where(l => l.Contains(path, StringComparison.Ordinal))
            .Select(l => Path.GetExtension(l.Trim())).ToHashSet();
        Assert.Contains(".dvd", mapped);
        Assert.DoesNotContain(".tim", mapped);
        Assert.DoesNotContain(".doc", mapped);
        Assert.DoesNotContain(".fdt", mapped);
        Assert.DoesNotContain(".pos", mapped);
    }

    [Fact]
    public void Stored_fields_read_back_exactly_across_chunks_from_several_threads_and_for_a_document_larger_than_two_chunks()
    {
        using var data = new TempDirectory("vault-codec");
        var random = new Random(20261128);
        var values = new List<string>();
        using var directory = FSDirectory.Open(data.Path);
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(MailAnalyzer.Version, new IndexAnalyzer()) { Codec = new VaultCodec() }))
        {
            for (var i = 0; i < 500; i++)
            {
                // Mostly text of a few hundred characters (many documents to a chunk), some empty, one of 100,000
                // characters (Lucene cuts it into chunk-sized slices, each compressed on its own), one with non-ASCII text.
                var length = i switch { 7 => 100_000, 8 => 0, 9 => 800, _ => random.Next(1, 2000) };
                var chars = new char[length];
                for (var c = 0; c < length; c++)
                {
                    chars[c] = i == 9 ? "äöü€漢字😀"[c % 8] : (char)random.Next(' ', '~');
                }

                var value = new string(chars);
                values.Add(value);
                var document = new Lucene.Net.Documents.Document
                {
                    new Lucene.Net.Documents.StoredField("value", value),
                    new Lucene.Net.Documents.StoredField("n", i),
                };
                writer.AddDocument(document);
            }

            writer.Commit();
        }

        using var reader = DirectoryReader.Open(directory);
        Assert.Equal(values.Count, reader.NumDocs);
        Parallel.For(0, 4, worker =>
        {
            for (var doc = worker; doc < values.Count; doc += 4)
            {
                var document = reader.Document(doc);
                var n = document.GetField("n").GetInt32Value()!.Value;
                Assert.Equal(values[n], document.Get("value", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            }
        });
    }

    [Fact]
    public void A_damaged_chunk_is_a_corrupt_index_not_a_huge_allocation_or_wrong_bytes()
    {
        var decompressor = ZstdCompressionMode.Instance.NewDecompressor();
        var bytes = new Lucene.Net.Util.BytesRef();

        // A length far beyond what 100 bytes can compress to.
        var damaged = new byte[16];
        new Lucene.Net.Store.ByteArrayDataOutput(damaged).WriteVInt32(int.MaxValue);
        Assert.Throws<CorruptIndexException>(() => decompressor.Decompress(new Lucene.Net.Store.ByteArrayDataInput(damaged), 100, 0, 100, bytes));

        // A frame that holds fewer bytes than the chunk should.
        var compressor = ZstdCompressionMode.Instance.NewCompressor();
        var buffer = new byte[256];
        var frame = new Lucene.Net.Store.ByteArrayDataOutput(buffer);
        compressor.Compress(Encoding.ASCII.GetBytes("fifty bytes of text, more or less, for one frame.."), 0, 50, frame);
        Assert.Throws<CorruptIndexException>(() => decompressor.Decompress(new Lucene.Net.Store.ByteArrayDataInput(buffer, 0, frame.Position), 60, 0, 60, bytes));

        // And the frame read with its true length gives the text back.
        decompressor.Decompress(new Lucene.Net.Store.ByteArrayDataInput(buffer, 0, frame.Position), 50, 6, 5, bytes);
        Assert.Equal("bytes", Encoding.ASCII.GetString(bytes.Bytes, bytes.Offset, bytes.Length));
    }

    [Fact]
    public void The_codec_resolves_by_the_name_it_writes_into_a_segment()
    {
        VaultCodec.Register();
        Assert.IsType<VaultCodec>(Codec.ForName("Vault46"));
        Assert.Equal("Lucene46", Codec.ForName("Lucene46").Name);
    }
}
