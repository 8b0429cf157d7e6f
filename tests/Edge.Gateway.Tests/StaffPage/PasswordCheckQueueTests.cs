using Edge.Gateway.StaffPage;

namespace Edge.Gateway.Tests.StaffPage;

public sealed class PasswordCheckQueueTests
{
    [Fact]
    public async Task CheckAsync_TrustedLane_IsServedWhileEveryNormalWorkerIsBusy()
    {
        using var gate = new ManualResetEventSlim();
        using var started = new SemaphoreSlim(0);
        using var queue = new PasswordCheckQueue((password, hash) =>
        {
            if (password == "bogus")
            {
                started.Release();
                gate.Wait(TimeSpan.FromSeconds(60)); // a slow check that holds the normal worker
            }

            return password == hash;
        }, workers: 1, capacity: 4);

        var bogus = Enumerable.Range(0, 4).Select(_ => queue.CheckAsync("bogus", "x", priority: false, default)).ToList();
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));

        var carer = await queue.CheckAsync("right", "right", priority: true, default).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PasswordCheck.Match, carer);
        Assert.All(bogus, b => Assert.False(b.IsCompleted));
        gate.Set();
        Assert.All(await Task.WhenAll(bogus).WaitAsync(TimeSpan.FromSeconds(30)), r => Assert.Equal(PasswordCheck.Mismatch, r));
    }

    [Fact]
    public async Task CheckAsync_LaneFull_AnswersBusyAtOnce_AndChecksNothing()
    {
        using var gate = new ManualResetEventSlim();
        var checkedCount = 0;
        using var queue = new PasswordCheckQueue((_, _) =>
        {
            Interlocked.Increment(ref checkedCount);
            gate.Wait(TimeSpan.FromSeconds(60));
            return false;
        }, workers: 1, capacity: 2);

        var first = queue.CheckAsync("a", "x", priority: false, default);
        var second = queue.CheckAsync("b", "x", priority: false, default);

        Assert.Equal(PasswordCheck.Busy, await queue.CheckAsync("c", "x", priority: false, default));
        gate.Set();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, checkedCount);
        Assert.Equal((0, 0), queue.Waiting);
    }

    [Fact]
    public async Task CheckAsync_CallerGoneBeforeItsTurn_IsNotChecked()
    {
        using var gate = new ManualResetEventSlim();
        using var started = new SemaphoreSlim(0);
        var passwords = new List<string>();
        using var queue = new PasswordCheckQueue((password, _) =>
        {
            lock (passwords)
            {
                passwords.Add(password);
            }

            started.Release();
            gate.Wait(TimeSpan.FromSeconds(60));
            return false;
        }, workers: 1, capacity: 4);
        var holding = queue.CheckAsync("first", "x", priority: false, default);
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));
        using var gone = new CancellationTokenSource();
        var abandoned = queue.CheckAsync("abandoned", "x", priority: false, gone.Token);

        await gone.CancelAsync();
        gate.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await holding.WaitAsync(TimeSpan.FromSeconds(30));
        var probe = await queue.CheckAsync("probe", "x", priority: false, default).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(PasswordCheck.Mismatch, probe);
        lock (passwords)
        {
            Assert.Equal(["first", "probe"], passwords);
        }
    }
}
