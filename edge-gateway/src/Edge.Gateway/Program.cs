using Edge.Gateway;
using Edge.Gateway.Registry;
using Microsoft.Extensions.Hosting;

// Composition root. `registry import FILE` loads a site file into the database and exits;
// anything else runs the gateway (see edge-gateway/README.md).
if (args is ["registry", "import", var siteFile, .. var rest])
{
    return await RegistryCommand.ImportAsync(siteFile, rest);
}

// `db backup|restore|version`: online backup (the backup timer), restore and schema version (upgrade/rollback).
if (args is ["db", .. var dbArgs])
{
    return await Edge.Gateway.Storage.DbCommand.RunAsync(dbArgs, TimeProvider.System);
}

// `commission start|stop|status|report`: the technician's commissioning mode and report (hardware/README.md).
if (args is ["commission", .. var commissionArgs])
{
    return await Edge.Gateway.Commissioning.CommissioningCommand.RunAsync(commissionArgs, TimeProvider.System);
}

// Every start-up error becomes one message listing all problems and an exit code (GatewayExitCodes), never a stack trace.
return await GatewayStartup.RunAsync(args, Console.Error);
