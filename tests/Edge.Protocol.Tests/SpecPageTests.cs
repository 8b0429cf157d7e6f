using System.Text.RegularExpressions;

namespace Edge.Protocol.Tests;

/// <summary>docs/wire-protocol.md and <see cref="GoldenVectors"/> must carry the same vectors.</summary>
public partial class SpecPageTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "wire-protocol.md"));

    [GeneratedRegex(@"<!-- vector: (?<name>[a-z0-9-]+) -->\s*```hex\s*(?<hex>[0-9a-f \n]+?)```")]
    private static partial Regex VectorBlock();

    private static Dictionary<string, string> PageVectors() =>
        VectorBlock().Matches(Page).ToDictionary(
            m => m.Groups["name"].Value,
            m => Regex.Replace(m.Groups["hex"].Value, @"\s", string.Empty));

    [Fact]
    public void SpecPage_EveryGoldenVector_AppearsWithTheSameHex()
    {
        Dictionary<string, string> page = PageVectors();

        foreach (GoldenVectors.Vector v in GoldenVectors.All())
        {
            Assert.True(page.ContainsKey(v.Name), $"docs/wire-protocol.md has no vector '{v.Name}'");
            Assert.Equal(v.Hex, page[v.Name]);
        }
    }

    [Fact]
    public void SpecPage_HasNoVectorTheTestsDoNotCheck()
    {
        HashSet<string> known = [.. GoldenVectors.All().Select(v => v.Name), GoldenVectors.LastWillName, "crc-check-input"];

        Assert.All(PageVectors().Keys, k => Assert.Contains(k, known));
    }

    [Fact]
    public void SpecPage_LastWillVector_IsTheGoldenWill()
    {
        Assert.Equal(GoldenVectors.LastWillHex, PageVectors()[GoldenVectors.LastWillName]);
    }

    [Fact]
    public void SpecPage_CrcCheckVector_MatchesTheImplementation()
    {
        byte[] input = Codec.FromHex(PageVectors()["crc-check-input"]);

        Assert.Equal(GoldenVectors.CrcCheckInput, System.Text.Encoding.ASCII.GetString(input));
        Assert.Contains("0xCBF43926", Page, StringComparison.Ordinal);
        Assert.Equal(GoldenVectors.CrcCheckValue, Crc32.Compute(input, 0, input.Length));
    }

    [Fact]
    public void SpecPage_NamesEveryDecodeStatus()
    {
        foreach (DecodeStatus s in Enum.GetValues<DecodeStatus>())
        {
            Assert.Contains($"`{s}`", Page, StringComparison.Ordinal);
        }
    }
}
