using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Edge.Recordings;

/// <summary>
/// Reads SisFall trials: the original nine-column <c>.txt</c> files and the three-column
/// <c>.txt.gz</c> files. Only the first three columns (ADXL345, ±16 g, 13 bit, 1/256 g per count)
/// are used; see A. Sucerquia, J. D. López, J. F. Vargas-Bonilla, "SisFall: A Fall and Movement
/// Dataset", Sensors 17(1):198, 2017.
/// </summary>
public static partial class SisFallLoader
{
    /// <summary>SisFall's sample rate.</summary>
    public const int SampleRateHz = 200;

    /// <summary>ADXL345 counts per g in SisFall (±16 g, 13 bit).</summary>
    public const float CountsPerG = 256f;

    [GeneratedRegex(@"^(?<code>[DF]\d{2})_(?<subject>S[AE]\d{2})_R(?<trial>\d{2})\.txt(\.gz)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    [GeneratedRegex(@"^S[AE]\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex SubjectFolderPattern();

    /// <summary>
    /// Finds every SisFall trial file under <paramref name="dir"/>, recursively, in any layout, sorted by
    /// relative path (ordinal) so runs are reproducible. Files whose names are not SisFall trial names
    /// are ignored. When both <c>X.txt</c> and <c>X.txt.gz</c> exist, both are returned.
    /// </summary>
    public static IReadOnlyList<SisFallTrial> Discover(string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"SisFall folder not found: {dir}");
        }

        var root = Path.GetFullPath(dir);
        var trials = new List<SisFallTrial>();
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var trial = TryDescribe(path, root);
            if (trial is not null)
            {
                trials.Add(trial);
            }
        }

        trials.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return trials;
    }

    /// <summary>
    /// Describes one file from its name and folder, or returns null when the name is not a SisFall
    /// trial name. The subject comes from the enclosing folder when that folder is named like a
    /// subject (<c>SA15/D17_SE15_R01.txt</c> belongs to SA15, a known quirk of the dataset); only in
    /// a flat layout does it come from the file name.
    /// </summary>
    public static SisFallTrial? TryDescribe(string path, string root)
    {
        var name = Path.GetFileName(path);
        var match = FileNamePattern().Match(name);
        if (!match.Success)
        {
            return null;
        }

        var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty);
        var subject = SubjectFolderPattern().IsMatch(folder) ? folder : match.Groups["subject"].Value;
        var code = match.Groups["code"].Value;
        var label = code[0] == 'F' ? TrialLabel.Fall : TrialLabel.Adl;
        var trial = int.Parse(match.Groups["trial"].Value, CultureInfo.InvariantCulture);
        var relative = Path.GetRelativePath(root, Path.GetFullPath(path)).Replace('\\', '/');
        return new SisFallTrial(Path.GetFullPath(path), relative, subject, code, label, trial);
    }

    /// <summary>Loads one trial's ADXL345 columns, converted to g.</summary>
    public static SisFallRecording Load(SisFallTrial trial)
    {
        using var file = File.OpenRead(trial.FullPath);
        using Stream stream = trial.FullPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        using var reader = new StreamReader(stream);
        return Parse(trial, reader);
    }

    /// <summary>
    /// Parses SisFall text: one sample per line, comma-separated space-padded integers, a trailing ';'.
    /// Lines with three or nine columns are accepted; only the first three are used.
    /// </summary>
    public static SisFallRecording Parse(SisFallTrial trial, TextReader reader)
    {
        var x = new List<float>(4096);
        var y = new List<float>(4096);
        var z = new List<float>(4096);
        Span<int> values = stackalloc int[9];
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var span = line.AsSpan().Trim();
            if (span.IsEmpty)
            {
                continue;
            }

            if (span[^1] == ';')
            {
                span = span[..^1];
            }

            var count = 0;
            foreach (var range in span.Split(','))
            {
                if (count == values.Length)
                {
                    count++;
                    break;
                }

                if (!int.TryParse(span[range].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[count]))
                {
                    throw new InvalidDataException($"{trial.RelativePath}:{lineNumber}: not a SisFall sample line: '{line}'");
                }

                count++;
            }

            if (count != 3 && count != 9)
            {
                throw new InvalidDataException($"{trial.RelativePath}:{lineNumber}: expected 3 or 9 columns, found {count}: '{line}'");
            }

            x.Add(values[0] / CountsPerG);
            y.Add(values[1] / CountsPerG);
            z.Add(values[2] / CountsPerG);
        }

        return new SisFallRecording(trial, SampleRateHz, [.. x], [.. y], [.. z]);
    }
}
