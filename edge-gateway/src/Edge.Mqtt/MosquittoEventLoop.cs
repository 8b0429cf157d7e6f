using System.Diagnostics;
using Edge.Mqtt.Native;

namespace Edge.Mqtt;

/// <summary>
/// Drives many <see cref="MosquittoMqttClient"/>s from one thread with <c>poll(2)</c> and
/// <c>mosquitto_loop_read/write/misc</c>, instead of one <c>mosquitto_loop_start</c> thread per client.
/// Needed beyond about 300 clients per process: libmosquitto's own loop uses <c>select()</c>, which cannot
/// watch file descriptors at or above 1024 (each client uses three). Pass the same loop to many clients;
/// their callbacks then all run on this loop's thread, so they must be quick.
/// </summary>
public sealed class MosquittoEventLoop : IDisposable
{
    private const int EfdNonBlock = 0x800;
    private const int EfdCloexec = 0x80000;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly List<MosquittoMqttClient> _clients = [];
    private readonly List<(MosquittoMqttClient Client, TaskCompletionSource Done)> _removals = [];
    private readonly Thread _thread;
    private readonly int _wakeFd;
    private volatile bool _stopping;

    /// <summary>Starts the loop thread.</summary>
    /// <param name="name">Thread name, for diagnostics.</param>
    public MosquittoEventLoop(string name = "mosquitto-loop")
    {
        MosquittoLibrary.EnsureInitialized();
        _wakeFd = MosquittoNative.EventFd(0, EfdNonBlock | EfdCloexec);
        if (_wakeFd < 0)
        {
            throw new MqttException($"eventfd failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Clients currently driven by this loop.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>Stops the loop thread. Dispose the clients first.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        Wake();
        _thread.Join();
        _ = MosquittoNative.Close(_wakeFd);
    }

    internal void Add(MosquittoMqttClient client)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        lock (_lock)
        {
            _clients.Add(client);
        }

        Wake();
    }

    /// <summary>Completes once the loop thread will not touch the client again (after a last write to flush DISCONNECT).</summary>
    internal Task RemoveAsync(MosquittoMqttClient client)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_stopping || !_clients.Contains(client))
            {
                _clients.Remove(client);
                done.TrySetResult();
                return done.Task;
            }

            _removals.Add((client, done));
        }

        Wake();
        return done.Task;
    }

    internal unsafe void Wake()
    {
        ulong one = 1;
        _ = MosquittoNative.Write(_wakeFd, &one, sizeof(ulong));
    }

    private unsafe void Run()
    {
        var snapshot = new List<MosquittoMqttClient>();
        var fds = new MosquittoNative.PollFd[64];
        var lastMisc = Stopwatch.GetTimestamp();
        while (!_stopping)
        {
            ProcessRemovals();
            lock (_lock)
            {
                snapshot.Clear();
                snapshot.AddRange(_clients);
            }

            if (fds.Length < snapshot.Count + 1)
            {
                fds = new MosquittoNative.PollFd[(snapshot.Count + 1) * 2];
            }

            fds[0] = new MosquittoNative.PollFd { Fd = _wakeFd, Events = MosquittoNative.PollIn };
            for (var i = 0; i < snapshot.Count; i++)
            {
                var mosq = snapshot[i].Handle;
                var fd = MosquittoNative.Socket(mosq);
                short events = 0;
                if (fd >= 0)
                {
                    events = MosquittoNative.PollIn;
                    if (MosquittoNative.WantWrite(mosq))
                    {
                        events |= MosquittoNative.PollOut;
                    }
                }

                // A negative fd is ignored by poll(2): the client is between connections.
                fds[i + 1] = new MosquittoNative.PollFd { Fd = fd, Events = events };
            }

            int ready;
            fixed (MosquittoNative.PollFd* p = fds)
            {
                ready = MosquittoNative.Poll(p, (nuint)(snapshot.Count + 1), (int)Tick.TotalMilliseconds);
            }

            if (ready > 0 && (fds[0].REvents & MosquittoNative.PollIn) != 0)
            {
                ulong drained;
                _ = MosquittoNative.Read(_wakeFd, &drained, sizeof(ulong));
            }

            for (var i = 0; ready > 0 && i < snapshot.Count; i++)
            {
                var revents = fds[i + 1].REvents;
                if (revents == 0)
                {
                    continue;
                }

                var mosq = snapshot[i].Handle;
                if ((revents & (MosquittoNative.PollIn | MosquittoNative.PollHup | MosquittoNative.PollErr)) != 0)
                {
                    _ = MosquittoNative.LoopRead(mosq, 1); // on error the library closes the socket and calls on_disconnect
                }

                if ((revents & MosquittoNative.PollOut) != 0 && MosquittoNative.Socket(mosq) >= 0)
                {
                    _ = MosquittoNative.LoopWrite(mosq, 1);
                }
            }

            // Keep-alive pings, retries and reconnects at most every tick.
            if (Stopwatch.GetElapsedTime(lastMisc) >= Tick)
            {
                lastMisc = Stopwatch.GetTimestamp();
                foreach (var client in snapshot)
                {
                    _ = MosquittoNative.LoopMisc(client.Handle);
                    client.ReconnectIfDue();
                }
            }
        }

        ProcessRemovals();
    }

    private void ProcessRemovals()
    {
        (MosquittoMqttClient Client, TaskCompletionSource Done)[] removals;
        lock (_lock)
        {
            if (_removals.Count == 0)
            {
                return;
            }

            removals = [.. _removals];
            _removals.Clear();
            foreach (var (client, _) in removals)
            {
                _clients.Remove(client);
            }
        }

        foreach (var (client, done) in removals)
        {
            // Flush a queued DISCONNECT so the broker does not publish the will for a clean close.
            if (MosquittoNative.Socket(client.Handle) >= 0 && MosquittoNative.WantWrite(client.Handle))
            {
                _ = MosquittoNative.LoopWrite(client.Handle, 1);
            }

            done.TrySetResult();
        }
    }
}
