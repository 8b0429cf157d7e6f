using Edge.Gateway.Prevention;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Prevention;

public sealed class PreventionSettingsTests
{
    [Fact]
    public async Task SetGetUpAsync_OnThenOff_StoredAuditedLikeTheSensitivityAndVisibleAtOnce()
    {
        await using var gw = await TestGateway.CreateAsync();
        var settings = gw.Host.Services.GetRequiredService<IPreventionSettings>();
        Assert.False(settings.GetUp("res2").Enabled);

        var on = await settings.SetGetUpAsync("res2", true, "21:30", "06:45", "s1", "staff-page");
        gw.Time.Advance(TimeSpan.FromMinutes(5));
        await settings.SetGetUpAsync("res2", false, null, null, "s1", "staff-page");

        Assert.True(on.Enabled);
        Assert.Equal(new DailyWindow(new TimeOnly(21, 30), new TimeOnly(6, 45)), on.Hours);
        var now = settings.GetUp("res2");
        Assert.False(now.Enabled);
        Assert.Equal(on.Hours, now.Hours); // switching off keeps the hours for next time
        Assert.Equal("s1", now.ChangedBy);
        var audit = await AuditAsync(gw);
        Assert.Equal([("res2", null, "on 21:30–06:45", "s1", "staff-page"), ("res2", "on 21:30–06:45", "off", "s1", "staff-page")], audit);

        // A restart reads the same settings back.
        var reloaded = new PreventionSettingsProbe(gw);
        Assert.Equal(now, await reloaded.LoadAsync("res2"));
    }

    [Theory]
    [InlineData("9pm", "07:00")]
    [InlineData("21:00", "")]
    [InlineData("25:00", "07:00")]
    public async Task SetGetUpAsync_HoursNotHHmm_RefusedAndNothingAudited(string from, string to)
    {
        await using var gw = await TestGateway.CreateAsync();
        var settings = gw.Host.Services.GetRequiredService<IPreventionSettings>();

        await Assert.ThrowsAsync<ArgumentException>(() => settings.SetGetUpAsync("res1", true, from, to, "s1", "staff-page"));

        Assert.False(settings.GetUp("res1").Enabled);
        Assert.Empty(await AuditAsync(gw));
    }

    [Fact]
    public async Task SetGetUpAsync_UnknownResident_Refused()
    {
        await using var gw = await TestGateway.CreateAsync();
        var settings = gw.Host.Services.GetRequiredService<IPreventionSettings>();

        await Assert.ThrowsAsync<KeyNotFoundException>(() => settings.SetGetUpAsync("nobody", true, "21:00", "07:00", "s1", "staff-page"));
    }

    [Theory]
    [InlineData("21:00", "07:00", "23:59", true)]
    [InlineData("21:00", "07:00", "06:59", true)]
    [InlineData("21:00", "07:00", "07:00", false)]
    [InlineData("21:00", "07:00", "12:00", false)]
    [InlineData("13:00", "15:00", "14:00", true)]
    [InlineData("13:00", "15:00", "15:30", false)]
    [InlineData("00:00", "00:00", "15:30", true)]
    public void DailyWindow_Contains(string from, string to, string at, bool inside)
    {
        Assert.True(DailyWindow.TryParse(from, to, out var w));
        Assert.Equal(inside, w.Contains(TimeOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static async Task<List<(string, string?, string, string, string)>> AuditAsync(TestGateway gw)
    {
        var list = new List<(string, string?, string, string, string)>();
        await using var c = await gw.Host.Services.GetRequiredService<GatewayDatabase>().OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT subject, old_value, new_value, actor, channel FROM settings_audit WHERE setting = 'prevention.getup_alert' ORDER BY id";
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
        }

        return list;
    }

    private sealed class PreventionSettingsProbe(TestGateway gw)
    {
        public async Task<GetUpSetting> LoadAsync(string residentId)
        {
            var fresh = ActivatorUtilities.CreateInstance<PreventionSettings>(gw.Host.Services);
            await fresh.LoadAsync(CancellationToken.None);
            return fresh.GetUp(residentId);
        }
    }
}

public sealed class PreventionOptionsTests
{
    [Fact]
    public async Task PreventionOptions_SeveralBadValues_ReportsEveryError()
    {
        await using var gw = await TestGateway.CreateAsync(new()
        {
            ["Prevention:TimeZone"] = "Mars/Olympus_Mons",
            ["Prevention:NightFrom"] = "9pm",
            ["Prevention:TrendFlushInterval"] = "02:00:00",
        });

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => gw.Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PreventionOptions>>().Value);

        Assert.Contains(e.Failures, f => f.Contains("Prevention:TimeZone 'Mars/Olympus_Mons'", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Prevention:NightFrom/NightTo", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Prevention:TrendFlushInterval", StringComparison.Ordinal));
    }
}
