using Edge.Gateway;

// Composition root. `registry import`, `db backup|restore|version` and `commission ...` are maintenance commands
// (GatewayCommands: the site file import, the backup timer, upgrade/rollback, the technician's commissioning);
// anything else runs the gateway (see edge-gateway/README.md).
if (GatewayCommands.Handles(args))
{
    return await GatewayCommands.RunAsync(args, CommandContext.System);
}

// Every start-up error becomes one message listing all problems and an exit code (GatewayExitCodes), never a stack trace.
return await GatewayStartup.RunAsync(args, Console.Error);
