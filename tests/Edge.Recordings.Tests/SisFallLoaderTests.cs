using System.IO.Compression;
using System.Text;
using Edge.Recordings;
using Edge.TestKit;

namespace Edge.Recordings.Tests;

public sealed class SisFallLoaderTests
{
    private static void WriteGz(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(Encoding.ASCII.GetBytes(text));
    }

    private static void WriteTxt(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void Load_NineColumnTxt_UsesAdxlColumnsInG()
    {
        using var dir = new TempDirectory();
        // Original SisFall layout: ADXL345 x,y,z, ITG3200 x,y,z, MMA8451Q x,y,z.
        WriteTxt(Path.Combine(dir.Path, "SA01", "F01_SA01_R01.txt"),
            "  -16,-256, -13,   12,  -5,   3, -66,-1024, -50;\n   512, 128,-2048, 1, 2, 3, 4, 5, 6;\n");

        var trial = Assert.Single(SisFallLoader.Discover(dir.Path));
        var recording = SisFallLoader.Load(trial);

        Assert.Equal(2, recording.Length);
        Assert.Equal(200, recording.SampleRateHz);
        Assert.Equal(-16 / 256f, recording.X[0]);
        Assert.Equal(-1f, recording.Y[0]);
        Assert.Equal(-13 / 256f, recording.Z[0]);
        Assert.Equal(2f, recording.X[1]);
        Assert.Equal(0.5f, recording.Y[1]);
        Assert.Equal(-8f, recording.Z[1]);
        Assert.Equal(TrialLabel.Fall, trial.Label);
        Assert.Equal("F01", trial.Code);
        Assert.Equal(1, trial.Trial);
    }

    [Fact]
    public void Load_ThreeColumnGz_ParsesCountsInG()
    {
        using var dir = new TempDirectory();
        WriteGz(Path.Combine(dir.Path, "SE02", "D05_SE02_R03.txt.gz"), "  -16,-196, -13;\n    0,-256,   0;\n\n");

        var trial = Assert.Single(SisFallLoader.Discover(dir.Path));
        var recording = SisFallLoader.Load(trial);

        Assert.Equal(new[] { -16 / 256f, 0f }, recording.X);
        Assert.Equal(new[] { -196 / 256f, -1f }, recording.Y);
        Assert.Equal(new[] { -13 / 256f, 0f }, recording.Z);
        Assert.Equal(TrialLabel.Adl, trial.Label);
        Assert.Equal("SE02", trial.Subject);
        Assert.True(trial.IsOlderAdult);
        Assert.Equal("SE02/D05_SE02_R03.txt.gz", trial.RelativePath);
        Assert.Equal(0.01, recording.DurationSeconds, 9);
    }

    [Fact]
    public void Discover_SA15FolderHoldsSE15FileNames_SubjectComesFromFolder()
    {
        using var dir = new TempDirectory();
        WriteGz(Path.Combine(dir.Path, "SA15", "D17_SE15_R01.txt.gz"), "1,2,3;\n");
        WriteGz(Path.Combine(dir.Path, "SE15", "D17_SE15_R01.txt.gz"), "1,2,3;\n");

        var trials = SisFallLoader.Discover(dir.Path);

        Assert.Equal(2, trials.Count);
        Assert.Equal("SA15", trials[0].Subject);
        Assert.False(trials[0].IsOlderAdult);
        Assert.Equal("SE15", trials[1].Subject);
    }

    [Fact]
    public void Discover_AnyLayout_FindsTrialsRecursivelyAndIgnoresOtherFiles()
    {
        using var dir = new TempDirectory();
        WriteTxt(Path.Combine(dir.Path, "batch", "deep", "SA03", "D01_SA03_R01.txt"), "1,2,3;\n");
        WriteTxt(Path.Combine(dir.Path, "flat", "F05_SA07_R02.txt"), "1,2,3;\n");
        WriteTxt(Path.Combine(dir.Path, "Readme.txt"), "not a trial");
        WriteTxt(Path.Combine(dir.Path, "SA03", "notes.txt"), "not a trial");

        var trials = SisFallLoader.Discover(dir.Path);

        Assert.Equal(["batch/deep/SA03/D01_SA03_R01.txt", "flat/F05_SA07_R02.txt"], trials.Select(t => t.RelativePath));
        Assert.Equal("SA03", trials[0].Subject);
        Assert.Equal("SA07", trials[1].Subject); // no subject folder: from the file name
        Assert.Equal(TrialLabel.Fall, trials[1].Label);
    }

    [Theory]
    [InlineData("1,2;")]
    [InlineData("1,2,3,4,5;")]
    [InlineData("1,x,3;")]
    public void Parse_MalformedLine_ThrowsWithFileAndLine(string line)
    {
        var trial = new SisFallTrial("/x/D01_SA01_R01.txt", "D01_SA01_R01.txt", "SA01", "D01", TrialLabel.Adl, 1);

        var ex = Assert.Throws<InvalidDataException>(() => SisFallLoader.Parse(trial, new StringReader("1,2,3;\n" + line + "\n")));

        Assert.Contains("D01_SA01_R01.txt:2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_MissingFolder_Throws()
    {
        Assert.Throws<DirectoryNotFoundException>(() => SisFallLoader.Discover(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
    }

    [Fact]
    public void Load_RealSharedData_ReadsSA15QuirkAndFallLength()
    {
        var trials = SisFallLoader.Discover(TestData.SisFallDir);
        var quirk = trials.Where(t => t.RelativePath.StartsWith("SA15/D17_SE15", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(quirk);
        Assert.All(quirk, t => Assert.Equal("SA15", t.Subject));

        var fall = SisFallLoader.Load(trials.First(t => t.Label == TrialLabel.Fall));
        Assert.Equal(15.0, fall.DurationSeconds, 0);
    }
}
