using Edge.TestKit;

namespace Edge.NanoSubset.Tests;

/// <summary>The firmware-shared sources (every folder in <see cref="CheckedFolders"/>) and the device shell stay inside what nanoFramework runs.</summary>
public class FirmwareSourcesTests
{
    [Fact]
    public void SharedSources_CompileAgainstTheRealNanoMscorlib_WithNoGenericsAndNothingThatPrintsDifferently()
    {
        List<Violation> violations = NanoSubsetChecker.CheckFolders(TestData.RepoRoot, CheckedFolders.All);

        Assert.True(violations.Count == 0, $"{violations.Count} nano-subset violation(s):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void DeviceShell_WithCoreProtocolAndDeclarations_PassesTheSameChecks()
    {
        // As the .nfproj links them: one assembly, against the real mscorlib and the compile-only
        // declarations of the other packages (whose own bodies are never run).
        string[] folders = ["firmware/src/Edge.Firmware.Device", .. CheckedFolders.All];
        var sources = NanoSubsetChecker.SourceFiles(TestData.RepoRoot, folders)
            .Append("firmware/src/Edge.Firmware.NanoDeclarations.CompileOnly/Declarations.cs")
            .Select(rel => (rel, File.ReadAllText(Path.Combine(TestData.RepoRoot, rel))));

        List<Violation> violations = NanoSubsetChecker.CheckSources(sources);

        Assert.True(violations.Count == 0, $"{violations.Count} violation(s) in the device shell:\n" + string.Join("\n", violations));
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
