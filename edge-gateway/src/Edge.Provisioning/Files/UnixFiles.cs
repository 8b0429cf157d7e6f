using System.Runtime.InteropServices;
using System.Text;

namespace Edge.Provisioning.Files;

/// <summary>A local Unix account, as far as file ownership needs it.</summary>
/// <param name="Name">The user name.</param>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
public sealed record UnixAccount(string Name, uint Uid, uint Gid);

/// <summary>
/// File writes with exact Unix permissions, ownership and signals. Secrets are created 0600 from the
/// first byte (never written world-readable and then tightened) and replaced atomically by rename, so
/// the broker never reads a half-written password or ACL file.
/// </summary>
public static partial class UnixFiles
{
    /// <summary>rw------- : secrets.</summary>
    public const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rw-r--r-- : public files (certificates, broker configuration, policy).</summary>
    public const UnixFileMode Public = Secret | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>rwx------ : folders that hold secrets.</summary>
    public const UnixFileMode PrivateDirectory = Secret | UnixFileMode.UserExecute;

    /// <summary>rwxr-xr-x : folders others may traverse.</summary>
    public const UnixFileMode PublicDirectory = Public | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const int SigHup = 1;

    /// <summary>Writes <paramref name="content"/> atomically with <paramref name="mode"/>, owned by <paramref name="owner"/> when given.</summary>
    public static void WriteText(string path, string content, UnixFileMode mode, UnixAccount? owner = null)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotUnix();
        }

        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = mode & Secret, // created owner-only; widened below only for public files
        };
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.SetUnixFileMode(temp, mode);
            if (owner is not null)
            {
                Chown(temp, owner);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Creates (or re-modes) a directory with <paramref name="mode"/>, owned by <paramref name="owner"/> when given.</summary>
    public static void CreateDirectory(string path, UnixFileMode mode, UnixAccount? owner = null)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotUnix();
        }

        Directory.CreateDirectory(path, mode);
        File.SetUnixFileMode(path, mode);
        if (owner is not null)
        {
            Chown(path, owner);
        }
    }

    /// <summary>True when this process runs as root (and so may hand files to the broker's user).</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>Looks up a local account in /etc/passwd; null when it does not exist.</summary>
    public static UnixAccount? FindAccount(string name, string passwdFile = "/etc/passwd")
    {
        if (!File.Exists(passwdFile))
        {
            return null;
        }

        foreach (string line in File.ReadLines(passwdFile))
        {
            string[] f = line.Split(':');
            if (f.Length >= 4 && f[0] == name
                && uint.TryParse(f[2], System.Globalization.CultureInfo.InvariantCulture, out uint uid)
                && uint.TryParse(f[3], System.Globalization.CultureInfo.InvariantCulture, out uint gid))
            {
                return new UnixAccount(name, uid, gid);
            }
        }

        return null;
    }

    /// <summary>Sends SIGHUP to <paramref name="pid"/> (Mosquitto re-reads its password and ACL files on it).</summary>
    public static void SendHangup(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotUnix();
        }

        if (kill(pid, SigHup) != 0)
        {
            throw new ProvisioningException($"Could not signal process {pid} to reload (errno {Marshal.GetLastPInvokeError()}); reload the broker by hand: sudo systemctl reload mosquitto");
        }
    }

    private static void Chown(string path, UnixAccount owner)
    {
        if (chown(path, owner.Uid, owner.Gid) != 0)
        {
            throw new ProvisioningException($"Could not give {path} to user '{owner.Name}' (errno {Marshal.GetLastPInvokeError()}); run the command as root or drop --broker-user.");
        }
    }

    private static PlatformNotSupportedException NotUnix() =>
        new("Provisioning writes Unix permissions; run it on Linux (the gateway).");

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint geteuid();
}
