using System.Collections.Concurrent;

namespace Edge.Gateway.StaffPage;

/// <summary>The outcome of a queued password check.</summary>
internal enum PasswordCheck
{
    Match,
    Mismatch,

    /// <summary>The queue was full: nothing was checked; the caller answers "busy, retry" at once.</summary>
    Busy,
}

/// <summary>
/// Password checks off the request path: a PBKDF2 verification at 600,000 iterations is about half a second
/// of one core, so checks run on a fixed number of worker threads fed by a bounded queue, and a sign-in that
/// finds the queue full is answered at once instead of piling up. Trusted browsers (see
/// <see cref="TrustedDevices"/>) have a lane and a worker of their own: however many bogus sign-ins are
/// queued, a carer's sign-in waits at most for the one check her worker may be finishing.
/// </summary>
internal sealed class PasswordCheckQueue : IDisposable
{
    private readonly Func<string, string, bool> _verify;
    private readonly int _capacity;
    private readonly ConcurrentQueue<Job> _normal = new();
    private readonly ConcurrentQueue<Job> _priority = new();
    private readonly SemaphoreSlim _anyWork = new(0);
    private readonly SemaphoreSlim _priorityWork = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _workers;
    private int _normalWaiting;
    private int _priorityWaiting;

    /// <param name="verify">The check itself (password, stored hash) → match; CPU-bound.</param>
    /// <param name="workers">Workers for the normal lane (they also take priority work when there is some).</param>
    /// <param name="capacity">Checks that may wait in the normal lane (the priority lane holds half as many, at least 2).</param>
    public PasswordCheckQueue(Func<string, string, bool> verify, int workers, int capacity)
    {
        _verify = verify;
        _capacity = capacity;
        _workers = [.. Enumerable.Range(0, workers).Select(i => Start(priorityOnly: false, $"password check {i + 1}")), Start(priorityOnly: true, "password check (trusted)")];
    }

    /// <summary>Checks waiting in each lane (for the log and tests).</summary>
    public (int Normal, int Priority) Waiting => (Volatile.Read(ref _normalWaiting), Volatile.Read(ref _priorityWaiting));

    /// <summary>Queues a check and waits for its result; <see cref="PasswordCheck.Busy"/> at once when the lane is full.</summary>
    public Task<PasswordCheck> CheckAsync(string password, string hash, bool priority, CancellationToken ct)
    {
        ref var waiting = ref priority ? ref _priorityWaiting : ref _normalWaiting;
        if (Interlocked.Increment(ref waiting) > (priority ? Math.Max(2, _capacity / 2) : _capacity) || _stop.IsCancellationRequested)
        {
            Interlocked.Decrement(ref waiting);
            return Task.FromResult(PasswordCheck.Busy);
        }

        var job = new Job(password, hash, priority, ct);
        (priority ? _priority : _normal).Enqueue(job);
        _anyWork.Release();
        if (priority)
        {
            _priorityWork.Release();
        }

        return job.Result.Task.WaitAsync(ct);
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        foreach (var job in _priority.Concat(_normal))
        {
            job.Result.TrySetResult(PasswordCheck.Busy);
        }

        _stop.Dispose();
        _anyWork.Dispose();
        _priorityWork.Dispose();
    }

    private Thread Start(bool priorityOnly, string name)
    {
        var thread = new Thread(() => Work(priorityOnly)) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    private void Work(bool priorityOnly)
    {
        try
        {
            while (true)
            {
                // A priority job signals both semaphores, so a worker may wake and find it taken: it just waits again.
                (priorityOnly ? _priorityWork : _anyWork).Wait(_stop.Token);
                if (_priority.TryDequeue(out var job))
                {
                    Interlocked.Decrement(ref _priorityWaiting);
                }
                else if (!priorityOnly && _normal.TryDequeue(out job))
                {
                    Interlocked.Decrement(ref _normalWaiting);
                }
                else
                {
                    continue;
                }

                Run(job);
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    private void Run(Job job)
    {
        if (job.Cancelled.IsCancellationRequested)
        {
            job.Result.TrySetCanceled(job.Cancelled); // the client went away while it waited: do not spend the CPU
            return;
        }

        try
        {
            job.Result.TrySetResult(_verify(job.Password, job.Hash) ? PasswordCheck.Match : PasswordCheck.Mismatch);
        }
#pragma warning disable CA1031 // A failed check must answer its caller, not kill the worker.
        catch (Exception e)
#pragma warning restore CA1031
        {
            job.Result.TrySetException(e);
        }
    }

    private sealed record Job(string Password, string Hash, bool Priority, CancellationToken Cancelled)
    {
        public TaskCompletionSource<PasswordCheck> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
