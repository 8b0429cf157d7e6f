using System.Runtime.InteropServices;

namespace Edge.Mqtt.Native;

/// <summary>
/// Loads libmosquitto once per process: checks that the library is present and new enough
/// (<c>mosquitto_lib_version</c>), then calls <c>mosquitto_lib_init</c> exactly once.
/// </summary>
public static class MosquittoLibrary
{
    /// <summary>The oldest libmosquitto this transport was written and tested against (Debian 12: 2.0.11).</summary>
    public static readonly Version MinimumVersion = new(2, 0, 0);

    private static readonly Lock InitLock = new();
    private static Version? s_version;

    /// <summary>
    /// Ensures the library is loaded and initialised, and returns its version.
    /// </summary>
    /// <exception cref="MqttNativeLibraryException">The library is missing or too old.</exception>
    public static Version EnsureInitialized()
    {
        lock (InitLock)
        {
            if (s_version is not null)
            {
                return s_version;
            }

            Version version;
            try
            {
                _ = MosquittoNative.LibVersion(out var major, out var minor, out var revision);
                version = new Version(major, minor, revision);
            }
            catch (DllNotFoundException ex)
            {
                throw new MqttNativeLibraryException(MissingMessage(MosquittoNative.LibraryName), ex);
            }
            catch (EntryPointNotFoundException ex)
            {
                throw new MqttNativeLibraryException(
                    $"{MosquittoNative.LibraryName} was found but has no mosquitto_lib_version export; it is not libmosquitto. " +
                    "Install the Debian package libmosquitto1 (apt-get install libmosquitto1).", ex);
            }

            CheckVersion(version, MosquittoNative.LibraryName);
            var rc = MosquittoNative.LibInit();
            if (rc != MosquittoNative.ErrSuccess)
            {
                throw new MqttNativeLibraryException($"mosquitto_lib_init failed: {MosquittoNative.ErrorText(rc)} ({rc}).");
            }

            s_version = version;
            return version;
        }
    }

    /// <summary>
    /// Loads the named library by soname and reads its version, without touching the process-wide
    /// state used by the client. This is the seam that lets a test point at a soname that does not
    /// exist and see the message an operator would see.
    /// </summary>
    /// <exception cref="MqttNativeLibraryException">The library is missing, not libmosquitto, or too old.</exception>
    public static unsafe Version ProbeVersion(string libraryName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(libraryName);
        if (!NativeLibrary.TryLoad(libraryName, out var handle))
        {
            throw new MqttNativeLibraryException(MissingMessage(libraryName));
        }

        try
        {
            if (!NativeLibrary.TryGetExport(handle, "mosquitto_lib_version", out var export))
            {
                throw new MqttNativeLibraryException(
                    $"{libraryName} has no mosquitto_lib_version export; it is not libmosquitto. " +
                    "Install the Debian package libmosquitto1 (apt-get install libmosquitto1).");
            }

            int major, minor, revision;
            _ = ((delegate* unmanaged[Cdecl]<int*, int*, int*, int>)export)(&major, &minor, &revision);
            var version = new Version(major, minor, revision);
            CheckVersion(version, libraryName);
            return version;
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    private static string MissingMessage(string libraryName) =>
        $"{libraryName} not found: install the Debian package libmosquitto1 (apt-get install libmosquitto1).";

    private static void CheckVersion(Version version, string libraryName)
    {
        if (version < MinimumVersion)
        {
            throw new MqttNativeLibraryException(
                $"{libraryName} is version {version}; Edge.Mqtt needs {MinimumVersion} or newer. " +
                "Install the Debian package libmosquitto1 from Debian 12 / Raspberry Pi OS bookworm or later.");
        }
    }
}
