using Edge.Gateway.Diagnostics;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Registry;

/// <summary><c>registry import FILE [--config FILE]</c>: imports a site file into the configured database.</summary>
internal static class RegistryCommand
{
    public static async Task<int> ImportAsync(string siteFile, string[] args)
    {
        SiteFile file;
        try
        {
            file = SiteFile.Load(siteFile);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddGatewayConfiguration(args).AddDiagnostics().AddStorage();
        builder.Services.AddSingleton<DeviceRegistry>();
        using var host = builder.Build();
        var registry = host.Services.GetRequiredService<DeviceRegistry>();
        await registry.ImportAsync(file, Environment.UserName).ConfigureAwait(false);
        var db = host.Services.GetRequiredService<GatewayDatabase>();
        await Console.Out.WriteLineAsync($"Imported site {file.Site.Id}: {file.Units.Count} units, {file.Rooms.Count} rooms, {file.Residents.Count} residents, {file.Devices.Count} devices, {file.Staff.Count} staff into {db.DatabasePath}").ConfigureAwait(false);
        return 0;
    }
}
