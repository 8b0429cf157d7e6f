using Edge.Recordings;

namespace Edge.Training.Data;

/// <summary>A recording found under a data folder, with the dataset it belongs to.</summary>
/// <param name="Trial">The file (subject, activity code, label).</param>
/// <param name="Dataset">The dataset: the first folder below the data folder when recordings sit in <c>DATASET/SUBJECT/FILE</c>, else the data folder's own name.</param>
/// <param name="Activity">The original activity, where the dataset's <c>manifest.csv</c> gives one (FallAllD); else the activity code.</param>
public sealed record CatalogTrial(SisFallTrial Trial, string Dataset, string Activity)
{
    /// <summary>The age group reported on: SisFall names older adults <c>SE</c>, everyone else is an adult (<c>SA</c>).</summary>
    public string AgeGroup => Trial.IsOlderAdult ? "older (SE)" : "young (SA)";
}

/// <summary>
/// Finds the recordings under one or more data folders: SisFall's layout and naming, which FallAllD's
/// converted files share (<c>SUBJECT/CODE_SUBJECT_Rnn.txt[.gz]</c>). A folder that holds several datasets
/// (<c>../shared/data</c> with <c>sisfall/</c> and <c>fallalld/</c>) is reported per dataset.
/// </summary>
public static class TrialCatalog
{
    /// <summary>Name of a dataset's optional activity list (<c>file</c> and <c>description</c> columns).</summary>
    public const string ManifestFile = "manifest.csv";

    /// <summary>Discovers every recording under <paramref name="dataDirs"/>, sorted by dataset and path.</summary>
    /// <exception cref="DirectoryNotFoundException">A folder does not exist or holds no recordings.</exception>
    public static IReadOnlyList<CatalogTrial> Discover(IEnumerable<string> dataDirs)
    {
        ArgumentNullException.ThrowIfNull(dataDirs);
        var result = new List<CatalogTrial>();
        foreach (var dir in dataDirs)
        {
            var trials = SisFallLoader.Discover(dir);
            if (trials.Count == 0)
            {
                throw new DirectoryNotFoundException($"no SisFall-style recordings (CODE_SUBJECT_Rnn.txt or .txt.gz) under {dir}");
            }

            var own = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
            var activities = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            foreach (var t in trials)
            {
                var parts = t.RelativePath.Split('/');
                var dataset = parts.Length >= 3 ? parts[0] : own;
                var datasetDir = parts.Length >= 3 ? Path.Combine(dir, parts[0]) : dir;
                if (!activities.TryGetValue(dataset, out var map))
                {
                    map = ReadManifest(Path.Combine(datasetDir, ManifestFile));
                    activities[dataset] = map;
                }

                var key = parts.Length >= 3 ? string.Join('/', parts[1..]) : t.RelativePath;
                result.Add(new CatalogTrial(t, dataset, map.TryGetValue(key, out var activity) ? activity : t.Code));
            }
        }

        var duplicates = result.GroupBy(t => t.Trial.Subject).Where(g => g.Select(t => t.Dataset).Distinct().Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidDataException($"subject ids appear in more than one dataset ({string.Join(", ", duplicates)}): leave-one-subject-out needs unique subject ids");
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Dataset + "/" + a.Trial.RelativePath, b.Dataset + "/" + b.Trial.RelativePath));
        return result;
    }

    // file,...,description,... ; quoted fields may hold commas. Missing file: no activities.
    private static Dictionary<string, string> ReadManifest(string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return map;
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            return map;
        }

        var header = SplitCsv(lines[0]);
        var file = Array.IndexOf(header, "file");
        var description = Array.IndexOf(header, "description");
        if (file < 0 || description < 0)
        {
            return map;
        }

        foreach (var line in lines.Skip(1))
        {
            var fields = SplitCsv(line);
            if (fields.Length > Math.Max(file, description))
            {
                map[fields[file]] = fields[description];
            }
        }

        return map;
    }

    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return [.. fields];
    }
}
