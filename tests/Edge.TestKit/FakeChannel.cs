using System.Threading.Channels;
using Edge.Alerting;

namespace Edge.TestKit;

/// <summary>One call the engine made on a fake channel.</summary>
public sealed record ChannelCall(DateTimeOffset At, AlertOperation Operation, AlertMessage Message);

/// <summary>
/// An in-memory alert channel: records every send and cancel with the fake clock's time, answers with a
/// configurable outcome, records one attempt per recipient through the gateway's recorder (like the real
/// channels), and can raise health changes and on-device acknowledgements.
/// </summary>
public sealed class FakeChannel(string name, ChannelKind kind, TimeProvider time, IDeliveryAttemptRecorder recorder) : IAlertChannel
{
    private readonly Lock _lock = new();
    private readonly List<ChannelCall> _calls = [];
    private readonly Channel<ChannelCall> _signal = Channel.CreateUnbounded<ChannelCall>();
    private ChannelHealth _health = ChannelHealth.Unknown(time.GetUtcNow());

    public string Name => name;

    public ChannelKind Kind => kind;

    public ChannelHealth Health => _health;

    /// <summary>What the peer answers to a send.</summary>
    public DeliveryOutcome Outcome { get; set; } = DeliveryOutcome.Delivered;

    /// <summary>When set, a send is recorded and then never answered until it is cancelled (a hung peer).</summary>
    public bool Hold { get; set; }

    public event EventHandler<ChannelHealth>? HealthChanged;

    public event EventHandler<AlertAcknowledgement>? Acknowledged;

    public IReadOnlyList<ChannelCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<ChannelCall> Sends => [.. Calls.Where(c => c.Operation == AlertOperation.Send)];

    public Task<DeliveryResult> SendAsync(AlertMessage message, CancellationToken cancellationToken) => CallAsync(AlertOperation.Send, message, Outcome, cancellationToken);

    public Task<DeliveryResult> CancelAsync(AlertMessage message, CancellationToken cancellationToken) => CallAsync(AlertOperation.Cancel, message, DeliveryOutcome.Delivered, cancellationToken);

    public void SetHealth(ChannelHealthState state, string detail)
    {
        _health = new ChannelHealth(state, time.GetUtcNow(), detail);
        HealthChanged?.Invoke(this, _health);
    }

    public void Acknowledge(string recipient, string incidentId) =>
        Acknowledged?.Invoke(this, new AlertAcknowledgement(name, recipient, incidentId, time.GetUtcNow(), "acknowledged on the device"));

    /// <summary>Waits (a signal, with a timeout) for a call matching <paramref name="match"/>, past or future.</summary>
    public async Task<ChannelCall> WaitForAsync(Func<ChannelCall, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        lock (_lock)
        {
            if (_calls.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }
        }

        try
        {
            await foreach (var call in _signal.Reader.ReadAllAsync(cts.Token))
            {
                if (match(call))
                {
                    return call;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"{name}: no matching call; calls were: {string.Join("; ", Calls.Select(c => $"{c.Operation} {string.Join(",", c.Message.Recipients)} '{c.Message.Text}' at {c.At:HH:mm:ss}"))}");
    }

    private async Task<DeliveryResult> CallAsync(AlertOperation operation, AlertMessage message, DeliveryOutcome outcome, CancellationToken ct)
    {
        var call = new ChannelCall(time.GetUtcNow(), operation, message);
        lock (_lock)
        {
            _calls.Add(call);
        }

        foreach (var recipient in message.Recipients)
        {
            await recorder.RecordAsync(new DeliveryAttempt(name, kind, message.IncidentId, recipient, operation, 1, outcome, call.At, TimeSpan.FromMilliseconds(3), outcome.ToString()), ct);
        }

        _signal.Writer.TryWrite(call);
        if (Hold && operation == AlertOperation.Send)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        return new DeliveryResult(outcome, message.Recipients.Count, outcome == DeliveryOutcome.Delivered ? "ok" : "peer unreachable");
    }
}
