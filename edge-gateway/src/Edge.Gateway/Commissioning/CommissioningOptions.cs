using System.ComponentModel.DataAnnotations;

namespace Edge.Gateway.Commissioning;

/// <summary>Commissioning mode (technician tests on site) and the periodic end-to-end self-test.</summary>
public sealed class CommissioningOptions
{
    public const string SectionName = "Commissioning";

    /// <summary>How often the running gateway picks up sessions started or stopped with <c>commission start|stop</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Session length when <c>commission start</c> gives none.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "08:00:00")]
    public TimeSpan DefaultSessionLength { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Longest allowed session. A session ends by itself at its end time: a forgotten commissioning mode
    /// must not keep a resident's alarms away from staff.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan MaxSessionLength { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The battery check passes at or above this charge.</summary>
    [Range(1, 100)]
    public int MinBatteryPercent { get; set; } = 50;

    /// <summary>The button check passes when the manual call is raised within this time of the press (device time mapped to gateway time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan ManualCallWithin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Run the end-to-end self-test on a schedule (the installed service turns this on).</summary>
    public bool SelfTestEnabled { get; set; }

    /// <summary>Time between self-tests (monthly by default); the last run is kept in the database, so restarts do not reset it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan SelfTestInterval { get; set; } = TimeSpan.FromDays(30);
}
