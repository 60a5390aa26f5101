using System.Text;

namespace Vault.TestSupport;

/// <summary>RFC 3501 §5.1.3 modified UTF-7, as Maildir++ folder names carry it (".Projekte.&amp;ANw-bersicht").</summary>
public static class ModifiedUtf7
{
    public static string Decode(string value)
    {
        var result = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '&')
            {
                result.Append(value[i]);
                continue;
            }

            var end = value.IndexOf('-', i + 1);
            if (end == i + 1)
            {
                result.Append('&');
            }
            else
            {
                var base64 = value[(i + 1)..end].Replace(',', '/');
                base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                result.Append(Encoding.BigEndianUnicode.GetString(Convert.FromBase64String(base64)));
            }

            i = end;
        }

        return result.ToString();
    }
}
