using Edge.Mqtt;
using Edge.Protocol;
using Edge.Provisioning.Files;

namespace Edge.Provision;

/// <summary>What deleting a sensor's retained messages came to.</summary>
/// <param name="Deleted">True when the broker acknowledged every deletion.</param>
/// <param name="Problem">Why not, in words for the technician; null when deleted.</param>
/// <param name="Refused">True when the broker refused the provisioning account (it has not reloaded since it was added).</param>
public sealed record RetainedClearResult(bool Deleted, string? Problem, bool Refused);

/// <summary>
/// Deletes a sensor's retained messages on the site broker: an empty retained publish on each of its topics,
/// acknowledged by the broker (QoS 1), as the provisioning tool's own MQTT account. A clone of a replaced or
/// retired sensor that published retained messages (a call-button press above all) leaves nothing behind.
/// The gateway's account is never used: the broker forces client id = user name, so connecting as the gateway
/// would throw the running gateway off and could end its persistent session.
/// </summary>
public static class RetainedMessageCleaner
{
    /// <summary>The sensor's topics: accel, status and event; with <paramref name="includeConfig"/> its config topic too.</summary>
    public static IReadOnlyList<string> TopicsOf(string siteId, string deviceId, bool includeConfig)
    {
        TopicKind[] kinds = includeConfig ? [TopicKind.Accel, TopicKind.Status, TopicKind.Event, TopicKind.Config] : [TopicKind.Accel, TopicKind.Status, TopicKind.Event];
        return [.. kinds.Select(k => Topics.For(siteId, deviceId, k))];
    }

    /// <summary>Connects (retrying a refused login for <paramref name="reloadGrace"/>, the time a broker needs to reload), deletes, disconnects.</summary>
    public static async Task<RetainedClearResult> ClearAsync(
        GatewayMqttAccount broker, string username, string password, IReadOnlyList<string> topics, TimeSpan reloadGrace, CancellationToken ct)
    {
        var options = new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            Username = username,
            Password = password,
            CleanSession = true,
            Tls = new MqttTlsOptions { CaFile = broker.CaFile },
            ConnectRetryInitialDelay = TimeSpan.FromMilliseconds(200),
            ConnectRetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        // A broker that is not running answers a TCP connect at once with a refusal: say so without the client's retries.
        using (var probe = new System.Net.Sockets.TcpClient())
        {
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(TimeSpan.FromSeconds(5));
                await probe.ConnectAsync(broker.Host, broker.Port, wait.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return new RetainedClearResult(false, $"no broker answers at {broker.Host}:{broker.Port}", Refused: false);
            }
        }

        var refusedUntil = DateTimeOffset.UtcNow + reloadGrace;
        while (true)
        {
            await using var client = new MqttNetClient(options);
            try
            {
                using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
                connect.CancelAfter(TimeSpan.FromSeconds(10));
                await client.ConnectAsync(connect.Token).ConfigureAwait(false);
            }
            catch (MqttConnectException) when (DateTimeOffset.UtcNow < refusedUntil)
            {
                // The broker may not have read its new password file yet.
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
                continue;
            }
            catch (MqttConnectException e)
            {
                return new RetainedClearResult(false, $"the broker refused the provisioning account ({e.Message})", Refused: true);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return new RetainedClearResult(false, $"the broker at {broker.Host}:{broker.Port} did not answer within 10 s", Refused: false);
            }
            catch (MqttException e)
            {
                return new RetainedClearResult(false, $"could not reach the broker at {broker.Host}:{broker.Port} ({e.Message})", Refused: false);
            }

            return await PublishEmptyRetainedAsync(client, topics, ct).ConfigureAwait(false);
        }
    }

    private static async Task<RetainedClearResult> PublishEmptyRetainedAsync(MqttNetClient client, IReadOnlyList<string> topics, CancellationToken ct)
    {
        var pending = new HashSet<int>();
        var acknowledged = new HashSet<int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        client.PublishAcknowledged += (_, ack) =>
        {
            lock (gate)
            {
                acknowledged.Add(ack.MessageId);
                if (pending.Count > 0 && pending.IsSubsetOf(acknowledged))
                {
                    all.TrySetResult();
                }
            }
        };

        foreach (string topic in topics)
        {
            PublishResult result = await client.PublishAsync(topic, ReadOnlyMemory<byte>.Empty, MqttQos.AtLeastOnce, retain: true, ct).ConfigureAwait(false);
            lock (gate)
            {
                pending.Add(result.MessageId);
            }
        }

        lock (gate)
        {
            if (pending.IsSubsetOf(acknowledged))
            {
                all.TrySetResult();
            }
        }

        try
        {
            await all.Task.WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            return new RetainedClearResult(true, null, Refused: false);
        }
        catch (TimeoutException)
        {
            return new RetainedClearResult(false, "the broker did not acknowledge the deletions within 10 s", Refused: false);
        }
    }
}
