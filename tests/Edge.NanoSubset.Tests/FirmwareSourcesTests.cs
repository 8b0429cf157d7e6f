using Edge.TestKit;

namespace Edge.NanoSubset.Tests;

/// <summary>The firmware-shared sources (every folder in <see cref="CheckedFolders"/>) stay inside the nano subset.</summary>
public class FirmwareSourcesTests
{
    [Fact]
    public void SharedSources_UseOnlyTheNanoFrameworkSubset()
    {
        List<Violation> violations = NanoSubsetChecker.CheckFolders(TestData.RepoRoot, CheckedFolders.All);

        Assert.True(violations.Count == 0, $"{violations.Count} nano-subset violation(s):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void SourceFiles_IncludeEveryProtocolSourceAndNoBuildOutput()
    {
        List<string> files = NanoSubsetChecker.SourceFiles(TestData.RepoRoot, CheckedFolders.All);

        Assert.Contains("firmware/src/Edge.Protocol/WireDecoder.cs", files);
        Assert.Contains("firmware/src/Edge.Protocol/Topics.cs", files);
        Assert.DoesNotContain(files, f => f.Contains("/obj/", StringComparison.Ordinal));
    }

    [Fact]
    public void NanoSubsetProps_SetsCSharp9WithoutImplicitUsingsOrNullable()
    {
        List<Violation> violations = NanoSubsetChecker.CheckNanoSubsetProps(TestData.RepoRoot);

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void RequiredFolders_ExistAndHoldSources()
    {
        foreach (string folder in CheckedFolders.Required)
        {
            string full = Path.Combine(TestData.RepoRoot, folder);
            Assert.True(Directory.Exists(full), $"{folder} is missing: the nano-subset test would check nothing");
            Assert.NotEmpty(Directory.EnumerateFiles(full, "*.cs"));
        }
    }

    [Fact]
    public void CheckedFolders_AreEveryFirmwareSharedProjectThatImportsNanoSubsetProps()
    {
        // A new project importing nano-subset.props must be added to CheckedFolders.All.
        string firmware = Path.Combine(TestData.RepoRoot, "firmware");
        var importing = Directory.EnumerateFiles(firmware, "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains("nano-subset.props", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(TestData.RepoRoot, Path.GetDirectoryName(p)!).Replace('\\', '/'));

        Assert.All(importing, folder => Assert.Contains(folder, CheckedFolders.All));
    }
}
