using System.Globalization;
using System.Text;

namespace Edge.Training.Evaluation;

/// <summary>The per-trial CSV of <c>evaluate --task getup</c>: one row per recording.</summary>
public static class GetUpPerTrialCsv
{
    /// <summary>The header line, as issue 17 specifies it.</summary>
    public const string Header = "file,subject,code,duration_s,getup_alerts,first_getup_s,transitions";

    /// <summary>
    /// Writes the CSV (rows in the given order, LF line ends, invariant culture). <c>transitions</c> lists
    /// every transition as <c>from>to@start</c> (seconds from the start of the recording, when the movement
    /// began), separated by <c>;</c>; <c>first_getup_s</c> is when the first get-up alert was raised.
    /// </summary>
    public static void Write(TextWriter writer, IEnumerable<GetUpOutcome> outcomes)
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
               .Append(o.DurationSeconds.ToString("F2", CultureInfo.InvariantCulture)).Append(',')
               .Append(o.GetUpAlerts.ToString(CultureInfo.InvariantCulture)).Append(',')
               .Append(o.FirstGetUpSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? string.Empty).Append(',')
               .Append(string.Join(';', o.Transitions.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name}@{t.StartSeconds:0.0}"))));
            writer.Write(row.ToString());
            writer.Write('\n');
        }
    }

    /// <summary>Writes the CSV to a file, creating its folder.</summary>
    public static void Write(string path, IEnumerable<GetUpOutcome> outcomes) => PerTrialCsv.WriteFile(path, w => Write(w, outcomes));

    private static string Field(string value) => PerTrialCsv.Field(value);
}
