using System.Globalization;
using System.Text;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>The per-trial CSV of <c>evaluate</c>: one row per recording.</summary>
public static class PerTrialCsv
{
    /// <summary>The header line: issue 4's columns, then the path of the first alert (impact or soft, empty without an alert).</summary>
    public const string Header = "file,subject,code,label,duration_s,alerts,first_alert_s,path";

    /// <summary>Writes the CSV (rows in the given order, LF line ends, invariant culture).</summary>
    public static void Write(TextWriter writer, IEnumerable<TrialOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(outcomes);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var o in outcomes)
        {
            var row = new StringBuilder();
            row.Append(Field(o.Trial.RelativePath)).Append(',')
               .Append(Field(o.Trial.Subject)).Append(',')
               .Append(Field(o.Trial.Code)).Append(',')
               .Append(o.Trial.Label == TrialLabel.Fall ? "fall" : "adl").Append(',')
               .Append(o.DurationSeconds.ToString("F2", CultureInfo.InvariantCulture)).Append(',')
               .Append(o.Alerts.ToString(CultureInfo.InvariantCulture)).Append(',')
               .Append(o.FirstAlertSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? string.Empty).Append(',')
               .Append(o.FirstAlertPath switch { Detection.FallPath.Impact => "impact", Detection.FallPath.Soft => "soft", _ => string.Empty });
            writer.Write(row.ToString());
            writer.Write('\n');
        }
    }

    /// <summary>Writes the CSV to a file, creating its folder.</summary>
    public static void Write(string path, IEnumerable<TrialOutcome> outcomes) => WriteFile(path, w => Write(w, outcomes));

    /// <summary>Writes a CSV file (UTF-8 without BOM), creating its folder; shared with the get-up CSV.</summary>
    internal static void WriteFile(string path, Action<TextWriter> write)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        write(writer);
    }

    /// <summary>A CSV field, quoted when it holds a comma, quote or line break.</summary>
    internal static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
