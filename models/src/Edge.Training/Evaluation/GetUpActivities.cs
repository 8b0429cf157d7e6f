using Edge.Detection.Posture;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>Where a recording counts when false transitions are totalled.</summary>
public enum GetUpGroup
{
    /// <summary>A recording that should contain the transitions it lists.</summary>
    Transitions,

    /// <summary>Walking, jogging, stairs: no posture transition at all.</summary>
    Walking,

    /// <summary>Turning over in bed: no transition, and never a get-up alert.</summary>
    TurningInBed,

    /// <summary>Other daily activities without a transition (bending, stumbling, jumping, a failed attempt to stand).</summary>
    OtherNoTransition,

    /// <summary>Not scored for the tracker (falls, getting in and out of a car, collapsing into a chair).</summary>
    NotScored,
}

/// <summary>What a recording contains, from its activity code (SisFall) or the data set's manifest (FallAllD).</summary>
/// <param name="Activity">Activity in words.</param>
/// <param name="Group">How it is scored.</param>
/// <param name="Expected">Transitions it contains, as "from>to"; "*" matches any posture.</param>
/// <param name="GetUp">True when it contains getting up (sitting up from lying, or standing up from sitting).</param>
/// <param name="Start">The posture the activity starts in, when the protocol says so (Standing, Sitting or Lying).</param>
public sealed record GetUpExpectation(string Activity, GetUpGroup Group, IReadOnlyList<string> Expected, bool GetUp, BodyPosture? Start = null)
{
    /// <summary>True when <paramref name="transition"/> ("lying>sitting") matches <paramref name="pattern"/> ("lying>*").</summary>
    public static bool Matches(string pattern, string transition)
    {
        var p = pattern.Split('>');
        var t = transition.Split('>');
        return p.Length == 2 && t.Length == 2 && (p[0] == "*" || p[0] == t[0]) && (p[1] == "*" || p[1] == t[1]);
    }
}

/// <summary>
/// The activity labels the get-up evaluation scores against. SisFall's codes say which transitions a
/// trial contains (data README): D07–D10 sit down and get up, D12–D13 sitting → lying → sitting, D14
/// rolling in bed. FallAllD keeps its own activity per file in <c>manifest.csv</c> ("Lying down",
/// "Rising up", "Turning while lying" ...), which is more precise than the nearest SisFall code its files
/// are named with, so the manifest wins where it names a file.
/// </summary>
public static class GetUpActivities
{
    private static readonly string[] SitStand = ["standing>sitting", "sitting>standing"];

    /// <summary>The expectation for one trial; <paramref name="manifestActivity"/> is the manifest's description, if any.</summary>
    public static GetUpExpectation For(SisFallTrial trial, string? manifestActivity)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (manifestActivity is { Length: > 0 } activity && FromManifest(activity) is { } e)
        {
            return e;
        }

        if (trial.Label == TrialLabel.Fall)
        {
            return new("fall", GetUpGroup.NotScored, [], false);
        }

        return trial.Code switch
        {
            "D01" => Walk("walking slowly"),
            "D02" => Walk("walking quickly"),
            "D03" => Walk("jogging slowly"),
            "D04" => Walk("jogging quickly"),
            "D05" => Walk("stairs, slowly"),
            "D06" => Walk("stairs, quickly"),
            "D07" => new("sit in a half-height chair slowly, get up slowly", GetUpGroup.Transitions, SitStand, true, BodyPosture.Standing),
            "D08" => new("sit in a half-height chair quickly, get up quickly", GetUpGroup.Transitions, SitStand, true, BodyPosture.Standing),
            "D09" => new("sit in a low chair slowly, get up slowly", GetUpGroup.Transitions, SitStand, true, BodyPosture.Standing),
            "D10" => new("sit in a low chair quickly, get up quickly", GetUpGroup.Transitions, SitStand, true, BodyPosture.Standing),
            "D11" => new("sitting, trying to get up, collapsing into the chair", GetUpGroup.NotScored, [], false, BodyPosture.Sitting),
            "D12" => new("sitting, lying down slowly, sitting up again", GetUpGroup.Transitions, ["sitting>lying", "lying>sitting"], true, BodyPosture.Sitting),
            "D13" => new("sitting, lying down quickly, sitting up again", GetUpGroup.Transitions, ["sitting>lying", "lying>sitting"], true, BodyPosture.Sitting),
            "D14" => new("lying on the back, turning to the side, and back", GetUpGroup.TurningInBed, [], false, BodyPosture.Lying),
            "D15" => new("standing, bending at the knees, getting up", GetUpGroup.OtherNoTransition, [], false, BodyPosture.Standing),
            "D16" => new("standing, bending without bending the knees, getting up", GetUpGroup.OtherNoTransition, [], false, BodyPosture.Standing),
            "D17" => new("getting into a car, sitting, getting out", GetUpGroup.NotScored, [], false, BodyPosture.Standing),
            "D18" => new("stumbling while walking", GetUpGroup.OtherNoTransition, [], false, BodyPosture.Standing),
            "D19" => new("gently jumping", GetUpGroup.OtherNoTransition, [], false, BodyPosture.Standing),
            _ => new(trial.Code, GetUpGroup.NotScored, [], false),
        };
    }

    /// <summary>Reads <c>manifest.csv</c> (columns <c>file</c> and <c>description</c>) under <paramref name="dataDir"/>, recursively; file paths relative to the data folder.</summary>
    public static IReadOnlyDictionary<string, string> LoadManifests(string dataDir)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = Path.GetFullPath(dataDir);
        foreach (var path in Directory.EnumerateFiles(root, "manifest.csv", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length == 0)
            {
                continue;
            }

            var header = SplitCsv(lines[0]);
            var file = IndexOf(header, "file");
            var description = IndexOf(header, "description");
            if (file < 0 || description < 0)
            {
                continue;
            }

            var prefix = Path.GetRelativePath(root, Path.GetDirectoryName(path)!).Replace('\\', '/');
            foreach (var line in lines.Skip(1))
            {
                var cells = SplitCsv(line);
                if (cells.Count > Math.Max(file, description))
                {
                    var relative = prefix == "." ? cells[file] : prefix + "/" + cells[file];
                    map[relative] = cells[description];
                }
            }
        }

        return map;
    }

    /// <summary>Splits one CSV line; fields may be quoted ("Sitting, moving bus").</summary>
    public static IReadOnlyList<string> SplitCsv(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    private static int IndexOf(IReadOnlyList<string> cells, string name)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static GetUpExpectation Walk(string activity) => new(activity, GetUpGroup.Walking, [], false, BodyPosture.Standing);

    private static GetUpExpectation? FromManifest(string activity) => activity switch
    {
        "Sitting down" => new(activity, GetUpGroup.Transitions, ["standing>sitting"], false, BodyPosture.Standing),
        "Standing up" => new(activity, GetUpGroup.Transitions, ["sitting>standing"], true, BodyPosture.Sitting),
        "Lying down" => new(activity, GetUpGroup.Transitions, ["*>lying"], false),
        "Rising up" => new(activity, GetUpGroup.Transitions, ["lying>*"], true, BodyPosture.Lying),
        "Turning while lying" => new(activity, GetUpGroup.TurningInBed, [], false, BodyPosture.Lying),
        "Fail to stand up" => new(activity, GetUpGroup.OtherNoTransition, [], false, BodyPosture.Sitting),
        "Start walking" or "Walking slowly" or "Stop walking" or "Walking quickly" or "Jogging slowly" or "Jogging quickly"
            or "Start jogging" or "Stop jogging" or "Start going upstairs" or "Going upstairs" or "Stop going upstairs"
            or "Start going downstairs" or "Going downstairs" or "Stop going downstairs" or "Upstairs quickly" or "Downstairs quickly"
            => new(activity, GetUpGroup.Walking, [], false, BodyPosture.Standing),
        "Stumbling" or "Jumping slightly" or "Jumping strongly" or "Bending down" => new(activity, GetUpGroup.OtherNoTransition, [], false, BodyPosture.Standing),
        "Sitting, moving bus" => new(activity, GetUpGroup.OtherNoTransition, [], false, BodyPosture.Sitting),
        "Standing, moving bus" or "Start ascending, lift" or "Start descending, lift" or "Stop ascending, lift" or "Stop descending, lift"
            => new(activity, GetUpGroup.OtherNoTransition, [], false, BodyPosture.Standing),
        _ => null,
    };
}
