namespace Edge.NanoSubset.Tests;

/// <summary>
/// The one list of folders whose sources nanoFramework compiles too. Add a folder here when another
/// project is shared with the firmware. A folder that is absent or empty is skipped (it may not be
/// written yet), except <see cref="Required"/>, which must exist and hold sources.
/// </summary>
public static class CheckedFolders
{
    /// <summary>Paths relative to the repository root.</summary>
    public static readonly string[] All =
    [
        "firmware/src/Edge.Protocol",
        "firmware/src/Edge.Firmware.Core",
    ];

    /// <summary>Folders that must exist: without them the test would pass on nothing.</summary>
    public static readonly string[] Required = ["firmware/src/Edge.Protocol"];
}
