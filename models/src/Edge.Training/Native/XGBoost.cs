using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Edge.Training.Native;

/// <summary>Thrown when libxgboost is missing, too old, or reports an error.</summary>
public sealed class XGBoostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public XGBoostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public XGBoostException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public XGBoostException()
    {
    }
}

/// <summary>Safe wrappers over the XGBoost C API.</summary>
public static class XGBoost
{
    private static readonly Lazy<string> LoadedVersion = new(LoadVersion);

    /// <summary>
    /// The library's version, e.g. <c>1.7.4</c>. Throws a clear error when <c>libxgboost.so.0</c> is
    /// absent or older than 1.7 (the JSON layout and <c>PredictFromDense</c> config used here).
    /// </summary>
    public static string Version => LoadedVersion.Value;

    internal static void Check(int result, string call)
    {
        if (result != 0)
        {
            var message = Marshal.PtrToStringUTF8(XGBoostNative.XGBGetLastError()) ?? "(no message)";
            // The message is followed by a C++ backtrace; the first line says what went wrong.
            var firstLine = message.Split('\n', 2)[0].Trim();
            throw new XGBoostException($"{call} failed: {firstLine}");
        }
    }

    private static string LoadVersion()
    {
        try
        {
            XGBoostNative.XGBoostVersion(out var major, out var minor, out var patch);
            if (major < 1 || (major == 1 && minor < 7))
            {
                throw new XGBoostException(
                    $"libxgboost.so.0 is version {major}.{minor}.{patch}; the training needs 1.7 or newer (Debian 12's libxgboost0 is 1.7.4).");
            }

            return string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}.{patch}");
        }
        catch (DllNotFoundException ex)
        {
            throw new XGBoostException(
                "libxgboost.so.0 was not found. Install it with 'apt-get install libxgboost0' (or run ./edge setup).", ex);
        }
        catch (EntryPointNotFoundException ex)
        {
            throw new XGBoostException("libxgboost.so.0 has no XGBoostVersion(); it is too old. Install libxgboost0 from Debian 12.", ex);
        }
    }
}

/// <summary>A dense float matrix in XGBoost (row-major), with labels.</summary>
public sealed class DMatrix : IDisposable
{
    private nint _handle;

    /// <summary>Copies <paramref name="rows"/> × <paramref name="columns"/> values into a new matrix.</summary>
    public unsafe DMatrix(float[] data, int rows, int columns, float[]? labels = null, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != rows * columns)
        {
            throw new ArgumentException("data length must be rows × columns", nameof(data));
        }

        _ = XGBoost.Version;
        fixed (float* p = data)
        {
            XGBoost.Check(XGBoostNative.XGDMatrixCreateFromMat(p, (ulong)rows, (ulong)columns, float.NaN, out _handle), "XGDMatrixCreateFromMat");
        }

        if (labels is not null)
        {
            SetInfo("label", labels, rows);
        }

        if (weights is not null)
        {
            SetInfo("weight", weights, rows);
        }
    }

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(DMatrix));

    /// <summary>Frees the native matrix.</summary>
    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = XGBoostNative.XGDMatrixFree(_handle);
            _handle = 0;
        }
    }

    private unsafe void SetInfo(string field, float[] values, int rows)
    {
        if (values.Length != rows)
        {
            throw new ArgumentException($"{field} needs one value per row");
        }

        fixed (float* p = values)
        {
            XGBoost.Check(XGBoostNative.XGDMatrixSetFloatInfo(_handle, field, p, (ulong)rows), "XGDMatrixSetFloatInfo");
        }
    }
}

/// <summary>An XGBoost booster.</summary>
public sealed class Booster : IDisposable
{
    private nint _handle;

    /// <summary>Creates a booster for training on <paramref name="train"/>.</summary>
    public unsafe Booster(DMatrix train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var handles = stackalloc nint[1];
        handles[0] = train.Handle;
        XGBoost.Check(XGBoostNative.XGBoosterCreate(handles, 1, out _handle), "XGBoosterCreate");
    }

    private Booster(nint handle) => _handle = handle;

    private nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(Booster));

    /// <summary>Loads a booster from a saved JSON model.</summary>
    public static unsafe Booster FromJson(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        _ = XGBoost.Version;
        XGBoost.Check(XGBoostNative.XGBoosterCreate(null, 0, out var handle), "XGBoosterCreate");
        var booster = new Booster(handle);
        fixed (byte* p = json)
        {
            XGBoost.Check(XGBoostNative.XGBoosterLoadModelFromBuffer(handle, p, (ulong)json.Length), "XGBoosterLoadModelFromBuffer");
        }

        return booster;
    }

    /// <summary>Sets a training parameter.</summary>
    public void SetParam(string name, string value) =>
        XGBoost.Check(XGBoostNative.XGBoosterSetParam(Handle, name, value), $"XGBoosterSetParam({name}={value})");

    /// <summary>Runs one boosting round.</summary>
    public void UpdateOneIteration(int iteration, DMatrix train)
    {
        ArgumentNullException.ThrowIfNull(train);
        XGBoost.Check(XGBoostNative.XGBoosterUpdateOneIter(Handle, iteration, train.Handle), "XGBoosterUpdateOneIter");
    }

    /// <summary>The model as XGBoost JSON (the bytes of a <c>.json</c> model file).</summary>
    public byte[] SaveJson()
    {
        XGBoost.Check(XGBoostNative.XGBoosterSaveModelToBuffer(Handle, "{\"format\": \"json\"}", out var length, out var buffer), "XGBoosterSaveModelToBuffer");
        var bytes = new byte[length];
        Marshal.Copy(buffer, bytes, 0, (int)length);
        return bytes;
    }

    /// <summary>
    /// Predicts probabilities for dense row-major data through <c>XGBoosterPredictFromDense</c>
    /// (no DMatrix, so no prediction cache is involved).
    /// </summary>
    public unsafe float[] PredictDense(float[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != rows * columns)
        {
            throw new ArgumentException("data length must be rows × columns", nameof(data));
        }

        fixed (float* p = data)
        {
            var arrayInterface = string.Create(CultureInfo.InvariantCulture,
                $"{{\"data\": [{(ulong)(nint)p}, true], \"shape\": [{rows}, {columns}], \"typestr\": \"<f4\", \"version\": 3}}");
            // In 1.7 the config must carry "cache_id": 0.
            const string config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false, \"cache_id\": 0, \"missing\": NaN}";
            XGBoost.Check(XGBoostNative.XGBoosterPredictFromDense(Handle, arrayInterface, config, 0, out _, out _, out var result), "XGBoosterPredictFromDense");
            var output = new float[rows];
            Marshal.Copy(result, output, 0, rows);
            return output;
        }
    }

    /// <summary>Frees the native booster.</summary>
    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = XGBoostNative.XGBoosterFree(_handle);
            _handle = 0;
        }
    }

    /// <summary>Describes the call for error messages.</summary>
    public override string ToString() => new StringBuilder("Booster(").Append(_handle).Append(')').ToString();
}
