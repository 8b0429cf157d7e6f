namespace Edge.Recordings;

/// <summary>Whether a SisFall trial is a fall (<c>Fxx</c>) or an activity of daily living (<c>Dxx</c>).</summary>
public enum TrialLabel
{
    /// <summary>An activity of daily living (codes D01–D19).</summary>
    Adl,

    /// <summary>A fall (codes F01–F15).</summary>
    Fall,
}

/// <summary>Where a SisFall trial file sits and what its name says about it.</summary>
/// <param name="FullPath">Absolute path of the file.</param>
/// <param name="RelativePath">Path relative to the folder that was scanned, with '/' separators.</param>
/// <param name="Subject">Subject id (e.g. <c>SA15</c>), taken from the folder name when the folder is a subject folder.</param>
/// <param name="Code">Activity code, e.g. <c>D17</c> or <c>F03</c>.</param>
/// <param name="Label">Fall or ADL, from the code.</param>
/// <param name="Trial">Repetition number from <c>Rnn</c>.</param>
public sealed record SisFallTrial(string FullPath, string RelativePath, string Subject, string Code, TrialLabel Label, int Trial)
{
    /// <summary>True for older adults (<c>SExx</c>), false for young adults (<c>SAxx</c>).</summary>
    public bool IsOlderAdult => Subject.StartsWith("SE", StringComparison.Ordinal);
}

/// <summary>One trial's ADXL345 acceleration in g at the recording rate (200 Hz for SisFall).</summary>
/// <param name="Trial">The file the samples came from.</param>
/// <param name="SampleRateHz">Sample rate of <paramref name="X"/>, <paramref name="Y"/>, <paramref name="Z"/>.</param>
/// <param name="X">x axis in g.</param>
/// <param name="Y">y axis in g (about −1 g at rest, upright).</param>
/// <param name="Z">z axis in g.</param>
public sealed record SisFallRecording(SisFallTrial Trial, int SampleRateHz, float[] X, float[] Y, float[] Z)
{
    /// <summary>Number of samples per axis.</summary>
    public int Length => X.Length;

    /// <summary>Duration in seconds (samples / rate).</summary>
    public double DurationSeconds => (double)X.Length / SampleRateHz;
}
