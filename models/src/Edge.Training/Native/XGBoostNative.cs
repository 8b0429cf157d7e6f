using System.Runtime.InteropServices;

namespace Edge.Training.Native;

/// <summary>
/// XGBoost's C API (<c>libxgboost.so.0</c> from Debian's <c>libxgboost0</c>). Every call returns 0 on
/// success and −1 on error; <see cref="XGBGetLastError"/> is a <c>const char*</c> owned by the library,
/// so it is marshalled as <see cref="nint"/> (a <c>string</c> return would free it and crash).
/// </summary>
internal static partial class XGBoostNative
{
    public const string Library = "libxgboost.so.0";

    [LibraryImport(Library)]
    public static partial void XGBoostVersion(out int major, out int minor, out int patch);

    [LibraryImport(Library)]
    public static partial nint XGBGetLastError();

    [LibraryImport(Library)]
    public static unsafe partial int XGDMatrixCreateFromMat(float* data, ulong nrow, ulong ncol, float missing, out nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int XGDMatrixSetFloatInfo(nint handle, string field, float* array, ulong length);

    [LibraryImport(Library)]
    public static partial int XGDMatrixFree(nint handle);

    [LibraryImport(Library)]
    public static unsafe partial int XGBoosterCreate(nint* dmats, ulong length, out nint handle);

    [LibraryImport(Library)]
    public static partial int XGBoosterFree(nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterSetParam(nint handle, string name, string value);

    [LibraryImport(Library)]
    public static partial int XGBoosterUpdateOneIter(nint handle, int iteration, nint dtrain);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterSaveModelToBuffer(nint handle, string config, out ulong length, out nint buffer);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int XGBoosterPredictFromDense(
        nint handle, string arrayInterface, string config, nint proxy, out nint shape, out ulong dimension, out nint result);

    [LibraryImport(Library)]
    public static unsafe partial int XGBoosterLoadModelFromBuffer(nint handle, byte* buffer, ulong length);
}
