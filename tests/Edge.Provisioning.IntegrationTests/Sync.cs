using System.Diagnostics;
using System.Text;
using Edge.Mqtt;

namespace Edge.Provisioning.IntegrationTests;

/// <summary>
/// Ordering helpers. Mosquitto drops an unauthorised PUBLISH silently and the transport has no
/// SUBACK signal, so "nothing arrived" is proven by what arrives: a client publishes a unique marker
/// on a topic it may write and another client (or itself) may read, and everything it received before
/// the marker is what the broker routed before it. The broker handles one connection's packets in
/// order, so a marker sent after some packets proves those packets were processed first.
/// </summary>
internal static class Sync
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static ValueTask<PublishResult> PublishAsync(IMqttClient client, string topic, string payload, bool retain = false) =>
        client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce, retain, CancellationToken.None);

    /// <summary>Publishes a unique marker from <paramref name="publisher"/> and returns what <paramref name="reader"/> received before it.</summary>
    public static async Task<List<MqttMessage>> MarkerAsync(IMqttClient publisher, string topic, IMqttClient reader)
    {
        string marker = "marker-" + Guid.NewGuid().ToString("N");
        await PublishAsync(publisher, topic, marker);
        return await ReceiveUntilAsync(reader, m => Text(m) == marker);
    }

    /// <summary>
    /// Reads messages until one matches; returns those before it, leaving out earlier markers (a client
    /// with overlapping subscriptions gets one copy per matching filter). Fails after the timeout.
    /// </summary>
    public static async Task<List<MqttMessage>> ReceiveUntilAsync(IMqttClient reader, Func<MqttMessage, bool> stop)
    {
        var before = new List<MqttMessage>();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                MqttMessage m = await reader.Messages.ReadAsync(cts.Token);
                if (stop(m))
                {
                    return before;
                }

                if (!Text(m).StartsWith("marker-", StringComparison.Ordinal))
                {
                    before.Add(m);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No expected message within {Timeout}; received: {string.Join(", ", before.Select(m => m.Topic + "=" + Text(m)))}");
        }
    }

    public static string Text(MqttMessage m) => Encoding.UTF8.GetString(m.Payload.Span);
}

/// <summary>Runs a Mosquitto command-line tool and captures its exit code and output.</summary>
internal static class Tool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not exit within 30 s");
        }

        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>mosquitto_pub one QoS 1 message over TLS (unless <paramref name="caFile"/> is null: plain TCP).</summary>
    public static Task<(int ExitCode, string Output)> PublishAsync(int port, string? caFile, Credentials? credentials, string topic)
    {
        var args = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-t", topic, "-m", "x" };
        if (caFile is not null)
        {
            args.AddRange(["--cafile", caFile]);
        }

        if (credentials is not null)
        {
            args.AddRange(["-u", credentials.Username, "-P", credentials.Password]);
        }

        return RunAsync("mosquitto_pub", [.. args]);
    }
}
