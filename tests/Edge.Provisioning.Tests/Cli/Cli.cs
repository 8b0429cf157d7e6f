using Edge.Provision;

namespace Edge.Provisioning.Tests.Cli;

/// <summary>Runs the provisioning CLI in-process and captures everything it prints.</summary>
internal static class Cli
{
    public const string AdminPassword = "Tulip-Kettle-93-north";
    public const string WifiPassword = "wifi-Secret-4711";

    public static CliResult Run(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new ProvisionConsole(new StringReader(stdin), output, error, isInputRedirected: true, TimeProvider.System);
        int code = ProvisionCli.Run(args, console);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static CliResult InitSite(string dir, params string[] extra) =>
        Run($"{AdminPassword}\n{WifiPassword}\n",
            [.. new[] { "init", "site", "--site", "oak", "--dir", dir, "--gateway-host", "127.0.0.1", "--admin", "alice", "--wifi-ssid", "CareNet" }, .. extra]);
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;
}
