using System.CommandLine;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Registry;

/// <summary><c>registry import FILE [--config FILE]</c>: imports a site file into the configured database.</summary>
internal static class RegistryCommands
{
    public const string Usage = "usage: registry import SITE-FILE [--config FILE]";

    public static Command Create(CommandContext context)
    {
        var siteFile = new Argument<string>("SITE-FILE") { Description = "The site file (JSON: site, units, rooms, residents, devices, staff)." };
        var import = new Command("import", "Loads (or updates) a site into the gateway database and exits.") { siteFile };
        import.SetAction(async (parse, _) =>
        {
            SiteFile file;
            try
            {
                file = SiteFile.Load(parse.GetRequiredValue(siteFile));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                await context.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 2;
            }

            var builder = GatewayCommands.CreateBuilder(parse);
            builder.AddDiagnostics().AddStorage();
            builder.Services.AddSingleton<DeviceRegistry>();
            using var host = builder.Build();
            var registry = host.Services.GetRequiredService<DeviceRegistry>();
            await registry.ImportAsync(file, Environment.UserName).ConfigureAwait(false);
            var db = host.Services.GetRequiredService<GatewayDatabase>();
            await context.Out.WriteLineAsync($"Imported site {file.Site.Id}: {file.Units.Count} units, {file.Rooms.Count} rooms, {file.Residents.Count} residents, {file.Devices.Count} devices, {file.Staff.Count} staff into {db.DatabasePath}").ConfigureAwait(false);
            return 0;
        });
        return new Command("registry", "The gateway's registry of units, rooms, residents, devices and staff.") { import };
    }
}
