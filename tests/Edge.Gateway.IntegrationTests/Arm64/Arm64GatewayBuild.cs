using System.Diagnostics;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests.Arm64;

/// <summary>
/// The self-contained linux-arm64 gateway, made once per test run by the real verb (<c>./edge publish --arch arm64</c>)
/// into a temp folder, and a way to run it: under <c>qemu-aarch64-static</c> on any other CPU, natively on arm64.
/// The emulator and the arm64 C libraries (multiarch <c>libc6:arm64</c>, <c>libstdc++6:arm64</c>,
/// <c>libssl3:arm64</c>) are installed by <c>./edge setup</c>; when they are missing the test fails and says so.
/// </summary>
public sealed class Arm64GatewayBuild : IDisposable
{
    private const string Qemu = "/usr/bin/qemu-aarch64-static";

    // Where Debian's multiarch packages put the arm64 loader and libraries the .NET host needs.
    private static readonly string[] Arm64Libraries =
    [
        "/lib/ld-linux-aarch64.so.1",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libssl.so.3",
    ];

    private readonly TempDirectory _dir = new("edge-arm64-publish");

    public Arm64GatewayBuild()
    {
        PublishDir = _dir.File("gateway-linux-arm64");
        var started = Stopwatch.StartNew();
        var edge = Path.Combine(TestData.RepoRoot, "edge");
        var psi = new ProcessStartInfo(edge) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = TestData.RepoRoot };
        foreach (var a in new[] { "publish", "--arch", "arm64", "--out", PublishDir })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("./edge publish --arch arm64 did not finish within 15 minutes");
        }

        PublishOutput = stdout.Result + stderr.Result;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"./edge publish --arch arm64 failed ({p.ExitCode}):\n{PublishOutput}");
        }

        PublishTime = started.Elapsed;
    }

    /// <summary>The release folder (what <c>./edge install --publish-dir</c> takes).</summary>
    public string PublishDir { get; }

    public string PublishOutput { get; }

    public TimeSpan PublishTime { get; }

    /// <summary>The apphost, an arm64 ELF executable.</summary>
    public string Executable => Path.Combine(PublishDir, "Edge.Gateway");

    /// <summary>True when this machine is not arm64 and the build runs under qemu.</summary>
    public static bool Emulated => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.Arm64;

    /// <summary>Starts the arm64 gateway with <c>--config FILE</c>, under qemu on a non-arm64 machine.</summary>
    public ChildProcess Start(string configFile)
    {
        var workDir = Path.GetDirectoryName(configFile)!;
        if (!Emulated)
        {
            return ChildProcess.Start(Executable, ["--config", configFile], workDir, name: "Edge.Gateway (arm64)");
        }

        AssertEmulatorInstalled();
        return ChildProcess.Start(Qemu, [Executable, "--config", configFile], workDir, name: "Edge.Gateway (arm64 under qemu)");
    }

    /// <summary>The ELF machine of a file: 0xB7 is AArch64, 0x3E x86-64.</summary>
    public static ushort ElfMachine(string file)
    {
        Span<byte> header = stackalloc byte[20];
        using var f = File.OpenRead(file);
        f.ReadExactly(header);
        Assert.True(header[0] == 0x7F && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F', $"{file} is not an ELF file");
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
    }

    public void Dispose() => _dir.Dispose();

    private static void AssertEmulatorInstalled()
    {
        var missing = Arm64Libraries.Where(l => !File.Exists(l)).ToList();
        if (!File.Exists(Qemu))
        {
            missing.Insert(0, Qemu);
        }

        Assert.True(missing.Count == 0,
            $"the arm64 gateway cannot run on this {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture} machine: missing {string.Join(", ", missing)}. " +
            "Run ./edge setup (it installs qemu-user-static and, with arm64 added as a dpkg foreign architecture, libc6:arm64, libstdc++6:arm64 and libssl3:arm64).");
    }
}
