using Edge.Provision;

return ProvisionCli.Run(args, ProvisionConsole.FromSystemConsole());
