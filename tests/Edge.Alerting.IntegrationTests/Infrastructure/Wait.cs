namespace Edge.Alerting.IntegrationTests.Infrastructure;

/// <summary>Awaiting signals with a bound, never sleeping.</summary>
public static class Wait
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(15);

    /// <summary>Completes when <paramref name="condition"/> holds after an event fires, or fails after the bound.</summary>
    public static Task<T> ForEventAsync<T>(Action<EventHandler<T>> subscribe, Action<EventHandler<T>> unsubscribe, Func<T, bool> condition)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<T> handler = (_, e) =>
        {
            if (condition(e))
            {
                tcs.TrySetResult(e);
            }
        };
        subscribe(handler);
        return tcs.Task.WaitAsync(Long).ContinueWith(
            t =>
            {
                unsubscribe(handler);
                return t.GetAwaiter().GetResult();
            },
            TaskScheduler.Default);
    }
}
