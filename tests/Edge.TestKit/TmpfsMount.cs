using System.Diagnostics;

namespace Edge.TestKit;

/// <summary>
/// A small tmpfs mounted under /tmp for a test (a disk that fills up for real). Needs root, as the tests run here
/// and in CI; without it the test fails with a message saying so (it cannot be faked with a normal folder).
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static TmpfsMount Create(int sizeMiB)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edge-tmpfs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeMiB}m,mode=0777", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"cannot mount a {sizeMiB} MiB tmpfs at {path} (this test needs root to fill a real disk): {output.Trim()}");
        }

        return new TmpfsMount(path);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes zeros to a filler file until the file system refuses (ENOSPC). Returns the filler's path.</summary>
    public string Fill()
    {
        var filler = File("filler");
        var block = new byte[64 * 1024];
        using var f = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
            {
                f.Write(block);
            }
        }
        catch (IOException)
        {
        }

        // Fill the last partial block too.
        try
        {
            while (true)
            {
                f.Write(block, 0, 512);
            }
        }
        catch (IOException)
        {
        }

        return filler;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int Code, string Output) Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
