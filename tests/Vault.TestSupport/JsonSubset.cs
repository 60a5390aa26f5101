using System.Text.Json;
using Xunit;

namespace Vault.TestSupport;

/// <summary>
/// Compares what an earlier Vault recorded with what the current one shows: every property recorded must be there with
/// the same value (recursively; arrays element by element), while properties added since are allowed.
/// </summary>
public static class JsonSubset
{
    public static void AssertContained(JsonElement expected, JsonElement actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected an object, found {actual.ValueKind}");
                foreach (var property in expected.EnumerateObject())
                {
                    Assert.True(actual.TryGetProperty(property.Name, out var value), $"{path}.{property.Name} is missing");
                    AssertContained(property.Value, value, $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                Assert.True(actual.ValueKind == JsonValueKind.Array, $"{path}: expected an array, found {actual.ValueKind}");
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: {expected.GetArrayLength()} items expected, {actual.GetArrayLength()} found");
                var index = 0;
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    AssertContained(e, a, $"{path}[{index++}]");
                }

                break;
            default:
                Assert.True(JsonElement.DeepEquals(expected, actual), $"{path}: expected {expected.GetRawText()}, found {actual.GetRawText()}");
                break;
        }
    }
}
