using System.Net;
using Edge.TestKit;

namespace Edge.FaultKit;

/// <summary>An HTTP endpoint that records every POST body (the webhook's peer).</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<string> _bodies = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];

    private WebhookReceiver(string url)
    {
        Url = url;
    }

    public string Url { get; }

    /// <summary>Every body received so far, in arrival order.</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_lock)
            {
                return [.. _bodies];
            }
        }
    }

    public static WebhookReceiver Start()
    {
        var receiver = new WebhookReceiver($"http://127.0.0.1:{ChildProcess.FreePort()}/hook/");
        receiver._listener.Prefixes.Add(receiver.Url);
        receiver._listener.Start();
        _ = Task.Run(receiver.ServeAsync);
        return receiver;
    }

    /// <summary>Waits for a body matching <paramref name="match"/> (received before or after the call); several waits may run at once.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_bodies.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            _waiters.Add((match, signal));
        }

        try
        {
            return await signal.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Signal == signal);
                throw new TimeoutException($"no matching webhook call within {timeout}; got: {string.Join(" | ", _bodies)}");
            }
        }
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            lock (_lock)
            {
                _bodies.Add(body);
                foreach (var w in _waiters.Where(w => w.Match(body)).ToList())
                {
                    w.Signal.TrySetResult(body);
                    _waiters.Remove(w);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
