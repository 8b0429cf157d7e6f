using System.CommandLine;
using Edge.Detection;
using Edge.Recordings;
using Edge.TestKit;
using Edge.Training.Data;
using Edge.Training.Evaluation;

namespace Edge.Training.Tests;

public sealed class EvaluateCommandTests
{
    [Fact]
    public void PerTrialCsv_HeaderAndRows_AsSpecified()
    {
        var fall = new SisFallTrial("/d/SA01/F01_SA01_R01.txt.gz", "SA01/F01_SA01_R01.txt.gz", "SA01", "F01", TrialLabel.Fall, 1);
        var adl = new SisFallTrial("/d/x,y/D01_SE02_R01.txt", "x,y/D01_SE02_R01.txt", "SE02", "D01", TrialLabel.Adl, 1);
        var writer = new StringWriter();

        PerTrialCsv.Write(writer, [
            new TrialOutcome(new CatalogTrial(fall, "sisfall", "F01"), 15, 7.2, 6f, 1, 8.7, FallPath.Soft, [], 1),
            new TrialOutcome(new CatalogTrial(adl, "sisfall", "D01"), 100, 3, 1.8f, 0, null, null, [], 1),
        ]);

        Assert.Equal(
            "file,subject,code,label,duration_s,alerts,first_alert_s,path\n" +
            "SA01/F01_SA01_R01.txt.gz,SA01,F01,fall,15.00,1,8.70,soft\n" +
            "\"x,y/D01_SE02_R01.txt\",SE02,D01,adl,100.00,0,,\n",
            writer.ToString());
    }

    [Fact]
    public void Evaluate_FolderOfRealRecordingsInBothForms_WritesOneRowPerRecordingAndAReport()
    {
        using var dir = new TempDirectory();
        var source = SisFallLoader.Discover(TestData.SisFallDir);
        // A different layout: flat folder, one trial decompressed to the .txt form.
        var picked = new[] { source.First(t => t.Code == "F01"), source.First(t => t.Code == "D07"), source.First(t => t.Code == "F05" && t.Subject != "SA01") };
        var data = Path.Combine(dir.Path, "data");
        Directory.CreateDirectory(Path.Combine(data, picked[0].Subject));
        File.Copy(picked[0].FullPath, Path.Combine(data, picked[0].Subject, Path.GetFileName(picked[0].FullPath)));
        File.Copy(picked[1].FullPath, Path.Combine(data, Path.GetFileName(picked[1].FullPath)));
        var recording = SisFallLoader.Load(picked[2]);
        var txt = string.Join('\n', Enumerable.Range(0, recording.Length).Select(i =>
            $"{(int)(recording.X[i] * 256)},{(int)(recording.Y[i] * 256)},{(int)(recording.Z[i] * 256)},0,0,0,0,0,0;"));
        File.WriteAllText(Path.Combine(data, Path.GetFileName(picked[2].FullPath)[..^3]), txt);
        var csv = Path.Combine(dir.Path, "out", "trials.csv");
        var report = Path.Combine(dir.Path, "report");
        var root = new RootCommand { Commands.Evaluate() };

        var exit = root.Parse(["evaluate", "--data", data, "--per-trial", csv, "--report", report, "--mode", "triggered"]).Invoke();

        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(PerTrialCsv.Header, lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Equal(8, l.Split(',').Length));
        Assert.Contains(lines, l => l.StartsWith(Path.GetFileName(picked[2].FullPath)[..^3] + "," + picked[2].Subject + ",F05,fall,15.00,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(picked[1].Code + "_", StringComparison.Ordinal) && l.Contains(",adl,", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(report, "report.md")));
        Assert.True(File.Exists(Path.Combine(report, "tradeoff.svg")));
        Assert.Contains("In-sample warning", File.ReadAllText(Path.Combine(report, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TwoDatasets_SummarisedPerDatasetWithTheOriginalActivities()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        foreach (var (dataset, source, subject) in new[] { ("sisfall", TestData.SisFallDir, "SA02"), ("fallalld", TestData.FallAllDDir, "SA53") })
        {
            var files = SisFallLoader.Discover(source).Where(t => t.Subject == subject && t.Trial == 1 && (t.Code is "F01" or "D12" or "F06")).ToList();
            Directory.CreateDirectory(Path.Combine(data, dataset, subject));
            foreach (var f in files)
            {
                File.Copy(f.FullPath, Path.Combine(data, dataset, subject, Path.GetFileName(f.FullPath)));
            }
        }

        File.Copy(Path.Combine(TestData.FallAllDDir, TrialCatalog.ManifestFile), Path.Combine(data, "fallalld", TrialCatalog.ManifestFile));
        var csv = Path.Combine(dir.Path, "trials.csv");
        var report = Path.Combine(dir.Path, "report");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = new RootCommand { Commands.Evaluate() }.Parse(["evaluate", "--data", data, "--per-trial", csv, "--report", report]).Invoke();
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("\nsisfall ", text, StringComparison.Ordinal);
        Assert.Contains("\nfallalld ", text, StringComparison.Ordinal);
        var md = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("| fallalld | Lying down | ADL |", md, StringComparison.Ordinal);
        Assert.Contains("soft path", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ModelForAnotherRate_FailsWithClearError()
    {
        using var dir = new TempDirectory();
        var root = new RootCommand { Commands.Evaluate() };
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            var exit = root.Parse(["evaluate", "--data", dir.Path, "--per-trial", Path.Combine(dir.Path, "x.csv"), "--rate", "100"]).Invoke();

            Assert.Equal(1, exit);
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Contains("trained at 50 Hz but the sensors run at 100 Hz", error.ToString(), StringComparison.Ordinal);
    }
}
