namespace Edge.NanoSubset.Tests;

/// <summary>
/// What firmware-shared code may use from the base class library: the types and members that
/// nanoFramework's mscorlib (CoreLibrary 1.17.x) and its small System.Collections package provide, as
/// described in /work/shared/reference/nanoframework.md. Deliberately conservative: a member is listed
/// only when nano is known to have it with the same meaning. Adding one needs a reason in the commit.
/// <para>
/// Keys are <c>Type.Member(parameter types)</c> as the C# compiler displays them, with only the
/// parameters a call actually passes (optional ones it leaves out are dropped); <c>Type.Name</c> for
/// properties, fields and events; <c>Type.this[]</c> for indexers; <c>Type.*</c> for every member;
/// <c>Type.Name(*)</c> for every overload. The net10 overload a call binds to can differ from nano's
/// (string.Format(string, object) here is string.Format(string, params object[]) there), so several
/// net10 keys may stand for one nano member.
/// </para>
/// </summary>
public static class NanoAllowList
{
    /// <summary>Namespaces a using directive may import (nano has them in mscorlib or its packages).</summary>
    public static readonly HashSet<string> Namespaces =
    [
        "System", "System.Collections", "System.Text", "System.Threading", "System.Diagnostics",
    ];

    private static readonly string[] Primitives =
        ["bool", "char", "sbyte", "byte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double"];

    private static readonly string[] Numbers =
        ["sbyte", "byte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double"];

    /// <summary>Types whose names may appear; members still need <see cref="Members"/>.</summary>
    public static readonly HashSet<string> Types = BuildTypes();

    /// <summary>Members that may be used.</summary>
    public static readonly HashSet<string> Members = BuildMembers();

    /// <summary>Format specifiers nano's String.Format and ToString(string) understand (with 0-2 digits of precision).</summary>
    public const string FormatLetters = "DdFfGgNnXx";

    private static HashSet<string> BuildTypes()
    {
        HashSet<string> types =
        [
            "object", "string", "void", "System.ValueType", "System.Enum", "System.Array", "System.Delegate",
            "System.MulticastDelegate", "System.Attribute", "System.FlagsAttribute", "System.ObsoleteAttribute",
            "System.Type", "System.IDisposable", "System.IComparable", "System.ICloneable",
            "System.DateTime", "System.TimeSpan", "System.EventArgs", "System.EventHandler", "System.AsyncCallback",
            "System.Exception", "System.SystemException", "System.ApplicationException", "System.ArgumentException",
            "System.ArgumentNullException", "System.ArgumentOutOfRangeException", "System.InvalidOperationException",
            "System.NotSupportedException", "System.NotImplementedException", "System.IndexOutOfRangeException",
            "System.NullReferenceException", "System.ObjectDisposedException", "System.InvalidCastException",
            "System.OutOfMemoryException",
            "System.Random", "System.Convert",
            "System.Collections.ArrayList", "System.Collections.Hashtable", "System.Collections.Queue",
            "System.Collections.Stack", "System.Collections.IEnumerable", "System.Collections.IEnumerator",
            "System.Collections.ICollection", "System.Collections.IList", "System.Collections.IDictionary",
            "System.Collections.DictionaryEntry",
            "System.Text.Encoding", "System.Text.StringBuilder",
            "System.Threading.Thread", "System.Threading.ThreadStart", "System.Threading.ThreadPriority",
            "System.Threading.Timer", "System.Threading.TimerCallback", "System.Threading.WaitHandle",
            "System.Threading.EventWaitHandle", "System.Threading.AutoResetEvent", "System.Threading.ManualResetEvent", "System.Threading.Timeout",
            "System.Threading.Interlocked", "System.Threading.Monitor", "System.Threading.CancellationTokenSource",
            "System.Threading.CancellationToken",
            "System.Diagnostics.Debug",
        ];
        foreach (string p in Primitives)
        {
            types.Add(p);
        }

        return types;
    }

    private static HashSet<string> BuildMembers()
    {
        HashSet<string> m =
        [
            // object
            "object.ToString()", "object.Equals(object)", "object.GetHashCode()", "object.GetType()",
            "object.ReferenceEquals(object, object)", "object.Equals(object, object)", "object.MemberwiseClone()",
            "object..ctor()",

            // string: no Join, Replace, IsNullOrWhiteSpace, culture or comparison-type overloads
            "string.Length", "string.this[]", "string.Empty", "string.Equals(string)", "string.Equals(object)",
            "string.Equals(string, string)", "string.op_Equality(string, string)", "string.op_Inequality(string, string)",
            "string.Format(string, object)", "string.Format(string, object, object)",
            "string.Format(string, object, object, object)", "string.Format(string, object[])",
            "string.Concat(string, string)", "string.Concat(string, string, string)",
            "string.Concat(string, string, string, string)", "string.Concat(object, object)",
            "string.Concat(object, object, object)", "string.Concat(string[])", "string.Concat(object[])",
            "string.Substring(int)", "string.Substring(int, int)",
            "string.IndexOf(char)", "string.IndexOf(char, int)", "string.IndexOf(char, int, int)",
            "string.IndexOf(string)", "string.IndexOf(string, int)", "string.IndexOf(string, int, int)",
            "string.LastIndexOf(char)", "string.LastIndexOf(char, int)", "string.LastIndexOf(string)",
            "string.IndexOfAny(char[])", "string.Split(char)", "string.Split(char[])",
            "string.ToLower()", "string.ToUpper()", "string.Trim()", "string.Trim(char[])", "string.TrimStart(char[])",
            "string.TrimEnd(char[])", "string.StartsWith(string)", "string.EndsWith(string)", "string.Contains(string)",
            "string.ToCharArray()", "string.ToCharArray(int, int)", "string.PadLeft(int, char)", "string.PadRight(int, char)",
            "string.CompareTo(string)", "string.CompareTo(object)", "string.Compare(string, string)",
            "string.IsNullOrEmpty(string)", "string.GetHashCode()", "string.ToString()",
            "string..ctor(char[])", "string..ctor(char[], int, int)", "string..ctor(char, int)",

            // arrays (no Sort, Resize, Empty<T>, Fill, generic helpers)
            "System.Array.Length", "System.Array.Copy(System.Array, System.Array, int)",
            "System.Array.Copy(System.Array, int, System.Array, int, int)", "System.Array.Clear(System.Array, int, int)",
            "System.Array.IndexOf(System.Array, object)", "System.Array.Clone()", "System.Array.CopyTo(System.Array, int)",
            "System.Array.GetEnumerator()",

            // enums: ToString gives the number on nano; no Parse, GetValues, IsDefined, HasFlag
            "System.Enum.ToString()", "System.Enum.Equals(object)", "System.Enum.GetHashCode()",

            // delegates and events
            "System.EventArgs.Empty", "System.EventArgs..ctor()", "System.EventHandler.Invoke(object, System.EventArgs)",
            "System.Delegate.Combine(System.Delegate, System.Delegate)", "System.Delegate.Remove(System.Delegate, System.Delegate)",
            "System.FlagsAttribute..ctor()", "System.ObsoleteAttribute..ctor()", "System.ObsoleteAttribute..ctor(string)",

            // exceptions
            "System.Exception.Message", "System.Exception.InnerException", "System.Exception.StackTrace",
            "System.ArgumentException.ParamName",

            // time (DateTime is always UTC on nano)
            "System.DateTime.UtcNow", "System.DateTime.Ticks", "System.DateTime.MinValue", "System.DateTime.MaxValue",
            "System.DateTime.Year", "System.DateTime.Month", "System.DateTime.Day", "System.DateTime.Hour",
            "System.DateTime.Minute", "System.DateTime.Second", "System.DateTime.Millisecond",
            "System.DateTime.AddTicks(long)", "System.DateTime.AddMilliseconds(double)", "System.DateTime.AddSeconds(double)",
            "System.DateTime.AddMinutes(double)", "System.DateTime.AddHours(double)", "System.DateTime.AddDays(double)",
            "System.DateTime.Add(System.TimeSpan)", "System.DateTime.Subtract(System.TimeSpan)",
            "System.DateTime.Subtract(System.DateTime)", "System.DateTime.ToString()",
            "System.DateTime..ctor(long)", "System.DateTime..ctor(int, int, int)",
            "System.DateTime..ctor(int, int, int, int, int, int)", "System.DateTime..ctor(int, int, int, int, int, int, int)",
            "System.DateTime.op_Subtraction(System.DateTime, System.DateTime)",
            "System.DateTime.op_Subtraction(System.DateTime, System.TimeSpan)",
            "System.DateTime.op_Addition(System.DateTime, System.TimeSpan)",
            "System.DateTime.op_Equality(System.DateTime, System.DateTime)", "System.DateTime.op_Inequality(System.DateTime, System.DateTime)",
            "System.DateTime.op_LessThan(System.DateTime, System.DateTime)", "System.DateTime.op_GreaterThan(System.DateTime, System.DateTime)",
            "System.DateTime.op_LessThanOrEqual(System.DateTime, System.DateTime)",
            "System.DateTime.op_GreaterThanOrEqual(System.DateTime, System.DateTime)",
            "System.TimeSpan..ctor(long)", "System.TimeSpan..ctor(int, int, int)", "System.TimeSpan..ctor(int, int, int, int)",
            "System.TimeSpan..ctor(int, int, int, int, int)", "System.TimeSpan.Zero", "System.TimeSpan.MaxValue",
            "System.TimeSpan.MinValue", "System.TimeSpan.Ticks", "System.TimeSpan.Days", "System.TimeSpan.Hours",
            "System.TimeSpan.Minutes", "System.TimeSpan.Seconds", "System.TimeSpan.Milliseconds",
            "System.TimeSpan.TotalMilliseconds", "System.TimeSpan.TotalSeconds", "System.TimeSpan.TotalMinutes",
            "System.TimeSpan.TotalHours", "System.TimeSpan.TotalDays", "System.TimeSpan.TicksPerMillisecond",
            "System.TimeSpan.TicksPerSecond", "System.TimeSpan.FromTicks(long)", "System.TimeSpan.FromMilliseconds(long)",
            "System.TimeSpan.FromMilliseconds(double)", "System.TimeSpan.FromSeconds(long)", "System.TimeSpan.FromSeconds(double)",
            "System.TimeSpan.FromMinutes(long)", "System.TimeSpan.FromMinutes(double)", "System.TimeSpan.FromHours(int)",
            "System.TimeSpan.FromHours(double)", "System.TimeSpan.FromDays(int)", "System.TimeSpan.FromDays(double)",
            "System.TimeSpan.Add(System.TimeSpan)", "System.TimeSpan.Subtract(System.TimeSpan)", "System.TimeSpan.Negate()",
            "System.TimeSpan.Duration()", "System.TimeSpan.ToString()",
            "System.TimeSpan.op_Addition(System.TimeSpan, System.TimeSpan)", "System.TimeSpan.op_Subtraction(System.TimeSpan, System.TimeSpan)",
            "System.TimeSpan.op_UnaryNegation(System.TimeSpan)",
            "System.TimeSpan.op_Equality(System.TimeSpan, System.TimeSpan)", "System.TimeSpan.op_Inequality(System.TimeSpan, System.TimeSpan)",
            "System.TimeSpan.op_LessThan(System.TimeSpan, System.TimeSpan)", "System.TimeSpan.op_GreaterThan(System.TimeSpan, System.TimeSpan)",
            "System.TimeSpan.op_LessThanOrEqual(System.TimeSpan, System.TimeSpan)",
            "System.TimeSpan.op_GreaterThanOrEqual(System.TimeSpan, System.TimeSpan)",

            // Random: no Next(min, max)
            "System.Random..ctor()", "System.Random..ctor(int)", "System.Random.Next()", "System.Random.Next(int)",
            "System.Random.NextDouble()", "System.Random.NextBytes(byte[])",

            "System.Convert.ToBase64String(byte[])", "System.Convert.FromBase64String(string)",

            // collections (ArrayList in mscorlib; Hashtable, Queue, Stack in nanoFramework.System.Collections)
            "System.Collections.ArrayList.*", "System.Collections.Hashtable.*", "System.Collections.Queue.*",
            "System.Collections.Stack.*", "System.Collections.IEnumerable.GetEnumerator()",
            "System.Collections.IEnumerator.MoveNext()", "System.Collections.IEnumerator.Current",
            "System.Collections.IEnumerator.Reset()", "System.Collections.ICollection.Count",
            "System.Collections.ICollection.CopyTo(System.Array, int)", "System.Collections.IList.*",
            "System.Collections.IDictionary.*", "System.Collections.DictionaryEntry.Key", "System.Collections.DictionaryEntry.Value",
            "System.IDisposable.Dispose()",

            // text: Encoding.UTF8.GetString only as (byte[], int, int)
            "System.Text.Encoding.UTF8", "System.Text.Encoding.GetBytes(string)",
            "System.Text.Encoding.GetString(byte[], int, int)",
            "System.Text.StringBuilder..ctor()", "System.Text.StringBuilder..ctor(int)", "System.Text.StringBuilder..ctor(string)",
            "System.Text.StringBuilder.Append(*)", "System.Text.StringBuilder.AppendLine()",
            "System.Text.StringBuilder.AppendLine(string)", "System.Text.StringBuilder.Length",
            "System.Text.StringBuilder.Clear()", "System.Text.StringBuilder.ToString()",

            // threading: Interlocked on int only
            "System.Threading.Thread..ctor(System.Threading.ThreadStart)", "System.Threading.Thread.Start()",
            "System.Threading.Thread.Join()", "System.Threading.Thread.Join(int)", "System.Threading.Thread.Sleep(int)",
            "System.Threading.Thread.Priority", "System.Threading.Thread.IsAlive", "System.Threading.Thread.CurrentThread",
            "System.Threading.Thread.ManagedThreadId", "System.Threading.ThreadPriority.*",
            "System.Threading.ThreadStart.Invoke()", "System.Threading.TimerCallback.Invoke(object)",
            "System.Threading.Timeout.Infinite",
            "System.Threading.Timer..ctor(System.Threading.TimerCallback, object, int, int)",
            "System.Threading.Timer..ctor(System.Threading.TimerCallback, object, System.TimeSpan, System.TimeSpan)",
            "System.Threading.Timer.Change(int, int)", "System.Threading.Timer.Change(System.TimeSpan, System.TimeSpan)",
            "System.Threading.Timer.Dispose()",
            "System.Threading.AutoResetEvent..ctor(bool)", "System.Threading.ManualResetEvent..ctor(bool)",
            "System.Threading.EventWaitHandle.Set()", "System.Threading.EventWaitHandle.Reset()",
            "System.Threading.WaitHandle.WaitOne()", "System.Threading.WaitHandle.WaitOne(int, bool)",
            "System.Threading.WaitHandle.Close()",
            "System.Threading.Interlocked.Increment(ref int)", "System.Threading.Interlocked.Decrement(ref int)",
            "System.Threading.Interlocked.Exchange(ref int, int)",
            "System.Threading.Interlocked.CompareExchange(ref int, int, int)",
            "System.Threading.CancellationTokenSource..ctor(int)", "System.Threading.CancellationTokenSource.Cancel()",
            "System.Threading.CancellationTokenSource.Token", "System.Threading.CancellationTokenSource.IsCancellationRequested",
            "System.Threading.CancellationToken.IsCancellationRequested",

            "System.Diagnostics.Debug.WriteLine(string)", "System.Diagnostics.Debug.Write(string)",
            "System.Diagnostics.Debug.Assert(bool)", "System.Diagnostics.Debug.Assert(bool, string)",
        ];

        // Exceptions: the constructors nano has.
        foreach (string e in new[]
        {
            "System.Exception", "System.SystemException", "System.ApplicationException", "System.ArgumentException",
            "System.ArgumentNullException", "System.ArgumentOutOfRangeException", "System.InvalidOperationException",
            "System.NotSupportedException", "System.NotImplementedException", "System.IndexOutOfRangeException",
            "System.NullReferenceException", "System.InvalidCastException", "System.OutOfMemoryException",
        })
        {
            m.Add(e + "..ctor()");
            m.Add(e + "..ctor(string)");
            m.Add(e + "..ctor(string, System.Exception)");
        }

        foreach (string e in new[] { "System.ArgumentException", "System.ArgumentNullException", "System.ArgumentOutOfRangeException" })
        {
            m.Add(e + "..ctor(string, string)");
        }

        m.Add("System.ObjectDisposedException..ctor(string)");

        // Primitive numbers: ToString() and ToString(format) (format letters checked separately),
        // Parse/TryParse without culture, limits, comparisons.
        foreach (string p in Primitives)
        {
            m.Add(p + ".ToString()");
            m.Add(p + ".Equals(object)");
            m.Add(p + ".Equals(" + p + ")");
            m.Add(p + ".GetHashCode()");
            m.Add(p + ".CompareTo(object)");
            m.Add(p + ".CompareTo(" + p + ")");
            m.Add(p + ".MaxValue");
            m.Add(p + ".MinValue");
        }

        foreach (string p in Numbers)
        {
            m.Add(p + ".ToString(string)");
            m.Add(p + ".Parse(string)");
            m.Add(p + ".TryParse(string, out " + p + ")");
        }

        foreach (string f in new[] { "float", "double" })
        {
            foreach (string member in new[] { "NaN", "PositiveInfinity", "NegativeInfinity", "Epsilon" })
            {
                m.Add(f + "." + member);
            }

            foreach (string method in new[] { "IsNaN", "IsInfinity", "IsPositiveInfinity", "IsNegativeInfinity" })
            {
                m.Add(f + "." + method + "(" + f + ")");
            }
        }

        m.Add("bool.Parse(string)");
        m.Add("bool.TrueString");
        m.Add("bool.FalseString");
        return m;
    }
}
