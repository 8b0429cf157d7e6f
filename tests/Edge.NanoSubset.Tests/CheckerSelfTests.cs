namespace Edge.NanoSubset.Tests;

/// <summary>
/// The checker itself. Each snippet nanoFramework cannot run must be refused, and by the step that
/// is meant to: the real-mscorlib compile for everything nanoFramework's mscorlib lacks, the IL step
/// and the source step only for what compiles cleanly (each of their examples is proven to compile
/// against the real mscorlib, which is why those steps exist). Nano-safe snippets must pass.
/// </summary>
public class CheckerSelfTests
{
    private const string Usings = "using System;\nusing System.Collections;\nusing System.Threading;\nusing System.Diagnostics;\n";

    private static string Wrap(string members, string extraUsings = "") =>
        Usings + extraUsings + "namespace S\n{\n    public class C\n    {\n" + members + "\n    }\n}\n";

    private static List<Violation> CheckMembers(string members, string extraUsings = "") =>
        NanoSubsetChecker.CheckSources([("Snippet.cs", Wrap(members, extraUsings))]);

    private static int CompileErrors(string text) =>
        NanoSubsetChecker.Compile([("Snippet.cs", text)]).GetDiagnostics().Count(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);

    /// <summary>What the real mscorlib (or C# 9) does not have: a compile (or emit) error, no allow-list needed.</summary>
    public static TheoryData<string, string> CompileRefuses() => new()
    {
        { "int? x;", "" },
        { "(int, int) t;", "" },
        { "void M() { var t = (1, 2); }", "" },
        { "List<int> l = new List<int>();", "using System.Collections.Generic;\n" },
        { "IEnumerable<int> e;", "using System.Collections.Generic;\n" },
        { "void M(int[] x) { var y = x.Select(i => i + 1); }", "using System.Linq;\n" },
        { "async System.Threading.Tasks.Task M() { await System.Threading.Tasks.Task.Yield(); }", "" },
        { "void M(Span<byte> s) { }", "" },
        { "void M() { Span<int> s = stackalloc int[4]; }", "" },
        { "record R(int A);", "" },
        { "decimal d;", "" },
        { "double M(double x) { return Math.Sqrt(x); }", "" },
        { "string M(string[] p) { return string.Join(\",\", p); }", "" },
        { "string M(string s) { return s.Replace(\"a\", \"b\"); }", "" },
        { "bool M(string s) { return string.IsNullOrWhiteSpace(s); }", "" },
        { "object M(Type t, string s) { return Enum.Parse(t, s); }", "" },
        { "Array M(Type t) { return Enum.GetValues(t); }", "" },
        { "void M(int[] a) { Array.Sort(a); }", "" },
        { "void M(ref int[] a) { Array.Resize(ref a, 4); }", "" },
        { "long n; void M() { Interlocked.Increment(ref n); }", "" },
        { "int M() { return new Random().Next(1, 5); }", "" },
        { "string M(byte[] b) { return System.Text.Encoding.UTF8.GetString(b); }", "" },
        { "object M() { return new { A = 1 }; }", "" }, // refused when emitting: needs EqualityComparer<T>
        { "object M() { return new System.IO.MemoryStream(); }", "" },
        { "dynamic d;", "" },
        { "IEnumerable M() { yield return 1; }", "" },
        { "int M(int[] a) { return a[^1]; }", "" },
        { "string s = \"\"\"raw\"\"\";", "" },
        { "object h = new Hashtable();", "" },
    };

    [Theory]
    [MemberData(nameof(CompileRefuses))]
    public void Check_WhatNanoMscorlibLacks_IsACompileError(string members, string extraUsings)
    {
        List<Violation> violations = CheckMembers(members, extraUsings);

        Assert.True(violations.Count > 0 && violations.All(v => v.Rule == "compile"), $"expected compile errors for `{members}`, got:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void Check_FileScopedNamespaceOrGlobalUsing_IsACompileErrorInCSharp9()
    {
        Assert.Contains(NanoSubsetChecker.CheckSources([("A.cs", "namespace S;\npublic class C { }\n")]), v => v.Rule == "compile");
        Assert.Contains(NanoSubsetChecker.CheckSources([("B.cs", "global using System;\nnamespace S { public class C { } }\n")]), v => v.Rule == "compile");
    }

    /// <summary>Compiles against the real mscorlib 1.17.11 (which declares Action&lt;T&gt;, Func&lt;T&gt;, EventHandler&lt;T&gt;), but the 1.x runtime has no generics and only one-dimensional arrays.</summary>
    public static TheoryData<string, string> IlRefuses() => new()
    {
        { "generic", "Func<int> f;" },
        { "generic", "void M() { Action<int> b = null; b(1); }" },
        { "generic", "event EventHandler<EventArgs> Changed;" },
        { "generic", "class G<T> { }" },
        { "generic", "static T Id<T>(T x) { return x; }\n int M() { return Id(1); }" },
        { "multidim-array", "int[,] a = new int[2, 2];" },
        { "multidim-array", "int M() { int[,] a = new int[2, 2]; return a[1, 1]; }" },
    };

    [Theory]
    [MemberData(nameof(IlRefuses))]
    public void Check_CompilesButUsesGenericsOrMultidimArrays_IsFlaggedByTheIlStep(string rule, string members)
    {
        Assert.Equal(0, CompileErrors(Wrap(members)));

        List<Violation> violations = CheckMembers(members);

        Assert.True(violations.Any(v => v.Rule == rule), $"expected [{rule}] for `{members}`, got:\n{string.Join("\n", violations)}");
    }

    /// <summary>Compiles, emits no generics, and prints something else on the device.</summary>
    public static TheoryData<string, string> SourceRefuses() => new()
    {
        { "format", "string M(double x) { return string.Format(\"{0:0.00}\", x); }" },
        { "format", "string M(double x) { return x.ToString(\"0.00\"); }" },
        { "format", "string M(double x) { return $\"{x:0.0}\"; }" },
        { "format", "string M(string f, int x) { return string.Format(f, x); }" },
        { "format", "string M(DateTime d) { return string.Format(\"{0:yyyy}\", d); }" },
        { "enum-name", "enum K { A, B }\n string M(K k) { return k.ToString(); }" },
        { "enum-name", "enum K { A, B }\n string M(K k) { return \"kind \" + k; }" },
        { "enum-name", "enum K { A, B }\n string M(K k) { return $\"kind {k}\"; }" },
    };

    [Theory]
    [MemberData(nameof(SourceRefuses))]
    public void Check_CompilesButBehavesDifferentlyOnNano_IsFlaggedByTheSourceStep(string rule, string members)
    {
        Assert.Equal(0, CompileErrors(Wrap(members)));

        List<Violation> violations = CheckMembers(members);

        Assert.True(violations.Any(v => v.Rule == rule), $"expected [{rule}] for `{members}`, got:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void Check_Violation_NamesFileAndLine()
    {
        List<Violation> violations = NanoSubsetChecker.CheckSources([("dir/File.cs", "namespace S\n{\n    class C\n    {\n        int? x;\n    }\n}\n")]);

        Violation v = violations.First();
        Assert.Equal("dir/File.cs", v.File);
        Assert.Equal(5, v.Line);
        Assert.StartsWith("dir/File.cs:5: [compile]", v.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MustPass() => new()
    {
        { "ArrayList", "ArrayList list = new ArrayList();\n void M() { list.Add(1); int n = list.Count; object o = list[0]; list.RemoveAt(0); foreach (object x in list) { } }" },
        { "lock", "readonly object _gate = new object(); int _n;\n void M() { lock (_gate) { _n++; } }" },
        { "Thread", "void M() { Thread t = new Thread(Run); t.Start(); t.Join(); Thread.Sleep(10); }\n void Run() { }" },
        { "own delegate and lambda", "public delegate int Op(int a, int b);\n int M() { Op add = (a, b) => a + b; Op twice = delegate (int a, int b) { return 2 * a; }; return add(1, 2) + twice(3, 4); }" },
        { "events", "public delegate void Changed(object sender, int value);\n public event Changed OnChanged;\n void M() { Changed h = OnChanged; if (h != null) { h(this, 1); } }" },
        { "string.Format D/F/G/N/X", "string M(double x, int y) { return string.Format(\"{0:F2} {1:D4} {1:X8} {0:N1} {0:G} {{literal}} {0}\", x, y); }" },
        { "interpolation X4", "string M(int y) { return $\"id {y:X4} at {y}\"; }" },
        { "ToString(F3)", "string M(float x) { return x.ToString(\"F3\"); }" },
        { "Interlocked on int", "int _n;\n int M() { return Interlocked.Increment(ref _n) + Interlocked.CompareExchange(ref _n, 1, 0); }" },
        { "Split and Substring", "string M(string s) { string[] p = s.Split('/'); return p[0].Substring(1) + s.IndexOf('x') + s.Length; }" },
        { "switch expression", "int M(int k) { return k switch { 1 => 10, 2 => 20, _ => 0 }; }" },
        { "struct and interface", "struct P { public int X; }\n interface I { int Get(); }\n class D : I { public int Get() { P p = new P(); p.X = 1; return p.X; } }" },
        { "exceptions", "void M(object o) { if (o == null) { throw new ArgumentNullException(\"o\"); } try { throw new InvalidOperationException(\"x\"); } catch (Exception e) { string m = e.Message; } }" },
        { "time", "TimeSpan M() { DateTime a = DateTime.UtcNow; return (a - DateTime.UtcNow) + TimeSpan.FromMilliseconds(100); }" },
        { "timer and events", "void M() { AutoResetEvent e = new AutoResetEvent(false); e.Set(); e.WaitOne(); Timer t = new Timer(Tick, null, 0, 100); t.Dispose(); }\n void Tick(object state) { }" },
        { "arrays", "void M() { byte[] a = new byte[4]; byte[] b = new byte[4]; Array.Copy(a, 0, b, 0, 4); Array.Clear(a, 0, 4); int[][] jag = new int[2][]; }" },
        { "Debug and Console", "void M() { Debug.WriteLine(\"x\"); Console.WriteLine(\"y\"); }" },
        { "enum as its number, said so", "enum K { A, B }\n string M(K k) { return ((int)k).ToString(); }" },
        { "Random", "int M() { return new Random(1).Next(10); }" },
        { "numbers", "int M(string s) { int v; return int.TryParse(s, out v) ? v : int.MaxValue; }" },
        { "unchecked casts and shifts", "uint M(byte[] b) { return unchecked((uint)(b[0] | (b[1] << 8)) + (uint)b.Length); }" },
        { "SpanByte", "int M(byte[] b) { SpanByte s = new SpanByte(b); return s.Length; }" },
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
