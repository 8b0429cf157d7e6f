namespace Edge.NanoSubset.Tests;

/// <summary>The checker itself: snippets nano cannot compile must be flagged, nano-safe ones must pass.</summary>
public class CheckerSelfTests
{
    private const string Usings = "using System;\nusing System.Collections;\nusing System.Text;\nusing System.Threading;\nusing System.Diagnostics;\n";

    private static List<Violation> CheckMembers(string members, string extraUsings = "") =>
        NanoSubsetChecker.CheckSources([("Snippet.cs", Usings + extraUsings + "namespace S\n{\n    public class C\n    {\n" + members + "\n    }\n}\n")]);

    private static List<Violation> CheckFile(string text) => NanoSubsetChecker.CheckSources([("Snippet.cs", text)]);

    public static TheoryData<string, string, string> MustFlag() => new()
    {
        // { rule, members, extra usings }
        { "nullable", "int? x;", "" },
        { "nullable", "void M() { System.Nullable<int> y = 1; }", "" },
        { "tuple", "(int, int) t;", "" },
        { "tuple", "void M() { var t = (1, 2); }", "" },
        { "generic", "Func<int> f;", "" },
        { "generic", "Action a;\n void M() { Action<int> b = null; }", "" },
        { "generic", "List<int> l = new List<int>();", "using System.Collections.Generic;\n" },
        { "generic", "Dictionary<string, int> d;", "using System.Collections.Generic;\n" },
        { "generic", "IEnumerable<int> e;", "using System.Collections.Generic;\n" },
        { "generic", "void M() { int[] a = Array.Empty<int>(); }", "" },
        { "generic", "static T Id<T>(T x) { return x; }", "" },
        { "generic", "class G<T> { }", "" },
        { "generic", "void M(int[] a) { var e = a.AsEnumerable(); }", "using System.Linq;\n" },
        { "linq", "void M(int[] x) { var y = x.Select(i => i + 1); }", "using System.Linq;\n" },
        { "linq", "void M(int[] x) { var y = from i in x where i > 1 select i; }", "using System.Linq;\n" },
        { "linq", "int M(int[] x) { return System.Linq.Enumerable.Count(x); }", "" },
        { "async", "async System.Threading.Tasks.Task M() { await System.Threading.Tasks.Task.Yield(); }", "" },
        { "async", "void M() { System.Threading.Tasks.Task.Run(() => { }); }", "" },
        { "span", "void M(Span<byte> s) { }", "" },
        { "span", "void M() { Span<int> s = stackalloc int[4]; }", "" },
        { "span", "void M(byte[] b) { ReadOnlySpan<byte> s = b; }", "" },
        { "record", "record R(int A);", "" },
        { "decimal", "decimal d;", "" },
        { "decimal", "object o = 1.5m;", "" },
        { "math", "double M(double x) { return Math.Sqrt(x); }", "" },
        { "math", "int M(int x) { return Math.Abs(x); }", "" },
        { "math", "float M(float x) { return MathF.Sin(x); }", "" },
        { "bcl", "string M(string[] p) { return string.Join(\",\", p); }", "" },
        { "bcl", "string M(string s) { return s.Replace(\"a\", \"b\"); }", "" },
        { "bcl", "bool M(string s) { return string.IsNullOrWhiteSpace(s); }", "" },
        { "bcl", "object c = System.Globalization.CultureInfo.InvariantCulture;", "" },
        { "bcl", "object M(Type t, string s) { return Enum.Parse(t, s); }", "" },
        { "bcl", "Array M(Type t) { return Enum.GetValues(t); }", "" },
        { "bcl", "bool M(Type t, object v) { return Enum.IsDefined(t, v); }", "" },
        { "bcl", "void M(int[] a) { Array.Sort(a); }", "" },
        { "bcl", "void M(ref int[] a) { Array.Resize(ref a, 4); }", "" },
        { "bcl", "long n; void M() { Interlocked.Increment(ref n); }", "" },
        { "bcl", "int M() { return new Random().Next(1, 5); }", "" },
        { "bcl", "string M(byte[] b) { return Encoding.UTF8.GetString(b); }", "" },
        { "bcl", "void M() { Console.WriteLine(\"x\"); }", "" },
        { "bcl", "void M(object o) { ArgumentNullException.ThrowIfNull(o); }", "" },
        { "bcl", "int M(string s) { return int.Parse(s, System.Globalization.CultureInfo.InvariantCulture); }", "" },
        { "bcl", "object M() { return new System.IO.MemoryStream(); }", "" },
        { "bitconverter", "byte[] M(int x) { return BitConverter.GetBytes(x); }", "" },
        { "multidim-array", "int[,] a = new int[2, 2];", "" },
        { "dynamic", "dynamic d;", "" },
        { "format", "string M(double x) { return string.Format(\"{0:0.00}\", x); }", "" },
        { "format", "string M(double x) { return x.ToString(\"0.00\"); }", "" },
        { "format", "string M(double x) { return $\"{x:0.0}\"; }", "" },
        { "format", "string M(string f, int x) { return string.Format(f, x); }", "" },
        { "format", "string M(DateTime d) { return string.Format(\"{0:yyyy}\", d); }", "" },
        { "iterator", "IEnumerable M() { yield return 1; }", "" },
        { "anonymous-type", "object M() { return new { A = 1 }; }", "" },
        { "init-accessor", "public int P { get; init; }", "" },
        { "lang-version", "string s = \"\"\"raw\"\"\";", "" },
        { "lang-version", "int M(int[] a) { return a[^1]; }", "" },
        { "bcl", "int x;", "using System.IO;\n" },
    };

    [Theory]
    [MemberData(nameof(MustFlag))]
    public void Check_SnippetNanoCannotCompile_IsFlaggedWithItsRule(string rule, string members, string extraUsings)
    {
        List<Violation> violations = CheckMembers(members, extraUsings);

        Assert.True(violations.Any(v => v.Rule == rule), $"expected [{rule}] for `{members}`, got:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void Check_FileScopedNamespace_IsFlagged()
    {
        List<Violation> violations = CheckFile("namespace S;\npublic class C { }\n");

        Assert.Contains(violations, v => v.Rule == "lang-version");
    }

    [Fact]
    public void Check_GlobalUsing_IsFlagged()
    {
        List<Violation> violations = CheckFile("global using System;\nnamespace S { public class C { } }\n");

        Assert.Contains(violations, v => v.Rule == "lang-version");
    }

    [Fact]
    public void Check_CodeThatDoesNotCompile_IsFlagged()
    {
        List<Violation> violations = CheckMembers("int M() { return Undefined(); }");

        Assert.Contains(violations, v => v.Rule == "compile");
    }

    [Fact]
    public void Check_Violation_NamesFileAndLine()
    {
        List<Violation> violations = NanoSubsetChecker.CheckSources([("dir/File.cs", "namespace S\n{\n    class C\n    {\n        int? x;\n    }\n}\n")]);

        Violation v = violations.First(v => v.Rule == "nullable");
        Assert.Equal("dir/File.cs", v.File);
        Assert.Equal(5, v.Line);
        Assert.StartsWith("dir/File.cs:5: [nullable]", v.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MustPass() => new()
    {
        { "ArrayList", "ArrayList list = new ArrayList();\n void M() { list.Add(1); int n = list.Count; object o = list[0]; list.RemoveAt(0); foreach (object x in list) { } }" },
        { "Hashtable", "Hashtable h = new Hashtable();\n void M() { h[\"a\"] = 1; bool b = h.Contains(\"a\"); foreach (DictionaryEntry e in h) { object k = e.Key; } }" },
        { "lock", "readonly object _gate = new object(); int _n;\n void M() { lock (_gate) { _n++; } }" },
        { "Thread", "void M() { Thread t = new Thread(Run); t.Start(); t.Join(); Thread.Sleep(10); }\n void Run() { }" },
        { "own delegate and lambda", "public delegate int Op(int a, int b);\n int M() { Op add = (a, b) => a + b; Op twice = delegate (int a, int b) { return 2 * a; }; return add(1, 2) + twice(3, 4); }" },
        { "events", "public delegate void Changed(object sender, int value);\n public event Changed OnChanged;\n void M() { Changed h = OnChanged; if (h != null) { h(this, 1); } }" },
        { "string.Format D/F/G/N/X", "string M(double x, int y) { return string.Format(\"{0:F2} {1:D4} {1:X8} {0:N1} {0:G} {{literal}} {0}\", x, y); }" },
        { "interpolation X4", "string M(int y) { return $\"id {y:X4} at {y}\"; }" },
        { "ToString(F3)", "string M(float x) { return x.ToString(\"F3\"); }" },
        { "Interlocked on int", "int _n;\n int M() { return Interlocked.Increment(ref _n) + Interlocked.CompareExchange(ref _n, 1, 0); }" },
        { "Encoding.UTF8.GetString(byte[], int, int)", "string M(byte[] b) { return Encoding.UTF8.GetString(b, 0, b.Length) + Encoding.UTF8.GetBytes(\"x\").Length; }" },
        { "Split and Substring", "string M(string s) { string[] p = s.Split('/'); return p[0].Substring(1) + s.IndexOf('x') + s.Length; }" },
        { "switch expression", "int M(int k) { return k switch { 1 => 10, 2 => 20, _ => 0 }; }" },
        { "struct and interface", "struct P { public int X; }\n interface I { int Get(); }\n class D : I { public int Get() { P p = new P(); p.X = 1; return p.X; } }" },
        { "exceptions", "void M(object o) { if (o == null) { throw new ArgumentNullException(\"o\"); } try { throw new InvalidOperationException(\"x\"); } catch (Exception e) { string m = e.Message; } }" },
        { "time", "TimeSpan M() { DateTime a = DateTime.UtcNow; return (a - DateTime.UtcNow) + TimeSpan.FromMilliseconds(100); }" },
        { "timer and events", "void M() { AutoResetEvent e = new AutoResetEvent(false); e.Set(); e.WaitOne(); Timer t = new Timer(Tick, null, 0, 100); t.Dispose(); }\n void Tick(object state) { }" },
        { "arrays", "void M() { byte[] a = new byte[4]; byte[] b = new byte[4]; Array.Copy(a, 0, b, 0, 4); Array.Clear(a, 0, 4); int[][] jag = new int[2][]; }" },
        { "Debug", "void M() { Debug.WriteLine(\"x\"); }" },
        { "enum ToString", "enum K { A, B }\n string M(K k) { return k.ToString(); }" },
        { "StringBuilder", "string M() { StringBuilder sb = new StringBuilder(); sb.Append(\"a\").Append(1); return sb.ToString(); }" },
        { "Random", "int M() { return new Random(1).Next(10); }" },
        { "numbers", "int M(string s) { int v; return int.TryParse(s, out v) ? v : int.MaxValue; }" },
        { "unchecked casts and shifts", "uint M(byte[] b) { return unchecked((uint)(b[0] | (b[1] << 8)) + (uint)b.Length); }" },
    };

    [Theory]
    [MemberData(nameof(MustPass))]
    public void Check_NanoSafeSnippet_HasNoViolations(string what, string members)
    {
        List<Violation> violations = CheckMembers(members);

        Assert.True(violations.Count == 0, $"{what}:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void CheckProjectFile_WithoutNanoSubsetProps_IsFlagged()
    {
        string dir = Directory.CreateTempSubdirectory("nano-check").FullName;
        try
        {
            string good = Path.Combine(dir, "Good.csproj");
            File.WriteAllText(good, "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <Import Project=\"..\\..\\nano-subset.props\" />\n</Project>\n");
            string bad = Path.Combine(dir, "Bad.csproj");
            File.WriteAllText(bad, "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <LangVersion>latest</LangVersion>\n    <ImplicitUsings>enable</ImplicitUsings>\n  </PropertyGroup>\n</Project>\n");

            Assert.Empty(NanoSubsetChecker.CheckProjectFile(dir, good));
            List<Violation> violations = NanoSubsetChecker.CheckProjectFile(dir, bad);
            Assert.Equal(3, violations.Count);
            Assert.Contains(violations, v => v.Line == 3 && v.Detail.Contains("LangVersion latest", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void CheckFolders_AbsentFolder_IsSkipped()
    {
        Assert.Empty(NanoSubsetChecker.CheckFolders(Path.GetTempPath(), ["no-such-folder-" + Guid.NewGuid().ToString("N")]));
    }
}
