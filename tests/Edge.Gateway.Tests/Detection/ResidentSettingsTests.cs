using Edge.Gateway.Detection;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Detection;

public class ResidentSettingsTests
{
    [Fact]
    public async Task SetSensitivityAsync_WithinBounds_StoredAuditedAndVisibleToIngest()
    {
        await using var gw = await TestGateway.CreateAsync();
        var settings = gw.Host.Services.GetRequiredService<IResidentSettings>();

        await settings.SetSensitivityAsync("res2", 1.5, "s1", "staff-page");

        Assert.True(gw.Registry.TryGetResident("res2", out var a));
        Assert.Equal(1.5, a.Sensitivity);
        var db = gw.Host.Services.GetRequiredService<GatewayDatabase>();
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT subject, setting, old_value, new_value, actor, channel FROM settings_audit WHERE setting = 'detection.sensitivity'";
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal("res2", r.GetString(0));
        Assert.True(r.IsDBNull(2));
        Assert.Equal("1.5", r.GetString(3));
        Assert.Equal("s1", r.GetString(4));
        Assert.Equal("staff-page", r.GetString(5));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(3.0)]
    [InlineData(double.NaN)]
    public async Task SetSensitivityAsync_OutsideModelBounds_IsRefused(double value)
    {
        await using var gw = await TestGateway.CreateAsync();
        var settings = gw.Host.Services.GetRequiredService<IResidentSettings>();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => settings.SetSensitivityAsync("res2", value, "s1", "staff-page"));
        Assert.True(gw.Registry.TryGetResident("res2", out var a));
        Assert.Null(a.Sensitivity);
    }
}
