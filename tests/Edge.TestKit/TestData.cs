namespace Edge.TestKit;

/// <summary>
/// Locates the repository and the shared SisFall recordings for tests. The recordings are never
/// copied into the repository; they are read from <c>EDGE_DATA_DIR</c> or from
/// <c>&lt;repo&gt;/../shared/data/sisfall</c>.
/// </summary>
public static class TestData
{
    /// <summary>Environment variable that names the SisFall folder (the one holding SA01/, SE01/ ...).</summary>
    public const string DataDirVariable = "EDGE_DATA_DIR";

    /// <summary>The repository root (the folder holding Edge.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// The SisFall folder. Throws with a clear message when it is absent, so a test that needs real
    /// recordings fails loudly instead of passing on nothing.
    /// </summary>
    public static string SisFallDir
    {
        get
        {
            var dir = SisFallDirOrNull;
            if (dir is null)
            {
                throw new InvalidOperationException(
                    $"The SisFall recordings were not found. Set {DataDirVariable} to the folder that holds " +
                    $"SA01/, SE01/ ... or place the team's shared data at {DefaultSisFallDir}.");
            }

            return dir;
        }
    }

    /// <summary>The SisFall folder, or null when it is absent.</summary>
    public static string? SisFallDirOrNull
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(DataDirVariable);
            var dir = string.IsNullOrWhiteSpace(configured) ? DefaultSisFallDir : configured;
            return Directory.Exists(dir) ? Path.GetFullPath(dir) : null;
        }
    }

    /// <summary>Where the shared data sits beside a checkout.</summary>
    public static string DefaultSisFallDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "sisfall"));

    /// <summary>Environment variable that names the FallAllD folder (the one holding SA51/ ... and manifest.csv).</summary>
    public const string FallAllDDirVariable = "EDGE_FALLALLD_DIR";

    /// <summary>
    /// The FallAllD folder (the second development set): <c>EDGE_FALLALLD_DIR</c>, else <c>fallalld</c> beside
    /// the SisFall folder. Throws with a clear message when it is absent.
    /// </summary>
    public static string FallAllDDir
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(FallAllDDirVariable);
            var dir = !string.IsNullOrWhiteSpace(configured) ? configured
                : Path.Combine(Path.GetDirectoryName(SisFallDirOrNull ?? DefaultSisFallDir)!, "fallalld");
            if (!Directory.Exists(dir))
            {
                throw new InvalidOperationException(
                    $"The FallAllD recordings were not found at {Path.GetFullPath(dir)}. Set {FallAllDDirVariable} to the folder that holds " +
                    "SA51/ ... and manifest.csv, or place the team's shared data beside the checkout.");
            }

            return Path.GetFullPath(dir);
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException(
            $"Could not find Edge.sln above {AppContext.BaseDirectory}; run the tests from a checkout.");
    }
}
