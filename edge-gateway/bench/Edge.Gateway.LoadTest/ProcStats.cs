using System.Globalization;

namespace Edge.Gateway.LoadTest;

/// <summary>CPU time and resident memory of a process, from Linux /proc.</summary>
internal static class ProcStats
{
    // USER_HZ: 100 on every Linux x86_64/arm64 kernel we target (getconf CLK_TCK).
    private const double TicksPerSecond = 100.0;

    /// <summary>utime + stime of the process (all its threads), in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");

        // Fields after the command name in parentheses (which may hold spaces): state is field 3,
        // utime field 14, stime field 15.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(rest[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(rest[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    /// <summary>Resident set size in MiB (VmRSS).</summary>
    public static double RssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return double.NaN;
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}
