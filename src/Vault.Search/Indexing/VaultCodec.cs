using Lucene.Net.Codecs;
using Lucene.Net.Codecs.Compressing;
using Lucene.Net.Codecs.Lucene46;

namespace Vault.Search.Indexing;

/// <summary>
/// Lucene 4.6's format with stored fields compressed by zstd (<see cref="ZstdCompressionMode"/>) instead of LZ4. Loading
/// a hit's stored fields decompresses its chunk from the start up to that document; in Lucene.NET's LZ4, which reads the
/// mapped file byte by byte, that was about a quarter of a search's CPU time (README, Benchmark). Segments written before
/// keep their own codec's name and are read by it; merges rewrite them in this one.
/// </summary>
[CodecName("Vault46")]
public sealed class VaultCodec : FilterCodec
{
    /// <summary>Lucene's own chunk size: 8 to 10 of our documents.</summary>
    public const int StoredFieldsChunkSize = 16 * 1024;

    private readonly StoredFieldsFormat _storedFields =
        new CompressingStoredFieldsFormat("VaultStoredFields", ZstdCompressionMode.Instance, StoredFieldsChunkSize);

    public VaultCodec()
        : base(new Lucene46Codec())
    {
    }

    public override StoredFieldsFormat StoredFieldsFormat => _storedFields;

    private static int _registered;

    /// <summary>
    /// Makes the codec's name resolvable (a segment it wrote names it); Lucene.NET's codec factory is global and scans only its
    /// own assembly. Idempotent; called before any index is opened.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            Codec.SetCodecFactory(new DefaultCodecFactory { CustomCodecTypes = [typeof(VaultCodec)] });
        }
    }
}
