using System.Reflection;
using System.Text.Json;
using Edge.Cloud.Contracts;

namespace Edge.Uplink.IntegrationTests;

/// <summary>
/// Looks at what actually went over the wire: no array of numbers anywhere (accelerometer samples
/// would be one), and no member that is not a property of the contract.
/// </summary>
internal static class RawDataInspector
{
    private static readonly HashSet<string> ContractMembers = [.. typeof(UplinkEvent).Assembly.GetExportedTypes()
        .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))];

    public static void AssertNoRawSensorData(IEnumerable<string> bodies)
    {
        var count = 0;
        foreach (var body in bodies)
        {
            count++;
            using var doc = JsonDocument.Parse(body);
            Walk(doc.RootElement, "$");
        }

        Assert.True(count > 0, "the cloud received at least one request to inspect");
    }

    private static void Walk(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Assert.True(ContractMembers.Contains(p.Name), $"{path}.{p.Name} is not a member of the uplink contract");
                    Walk(p.Value, $"{path}.{p.Name}");
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    Assert.False(item.ValueKind == JsonValueKind.Number, $"{path} is an array of numbers (looks like sensor samples)");
                    Walk(item, $"{path}[{i++}]");
                }

                break;
            case JsonValueKind.String:
                // A sample array smuggled into a label would be long and full of separators.
                var s = e.GetString()!;
                Assert.True(s.Length <= ContractLimits.MaxLabelLength, $"{path} is a {s.Length}-character string");
                break;
        }
    }
}
