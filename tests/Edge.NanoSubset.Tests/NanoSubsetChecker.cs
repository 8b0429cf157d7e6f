// Over 400 lines on purpose: one Roslyn walker with one rule per nanoFramework gap the real-mscorlib compile cannot catch.
using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Edge.NanoSubset.Tests;

/// <summary>One place where a source leaves what nanoFramework runs.</summary>
public sealed record Violation(string File, int Line, string Rule, string Detail)
{
    public override string ToString() => $"{File}:{Line}: [{Rule}] {Detail}";
}

/// <summary>
/// Checks firmware sources in three steps (issue 13):
/// <list type="number">
/// <item><b>compile</b>: C# 9, no nullable context, no unsafe code, against the REAL nanoFramework
/// <c>mscorlib.dll</c> (package nanoFramework.CoreLibrary 1.17.11) and nothing else. Every type or member
/// nanoFramework lacks (System.Math, LINQ, Task, Span&lt;T&gt;, Nullable&lt;T&gt;, tuples, decimal, string.Join,
/// Encoding.GetString(byte[]), Random.Next(int, int), CultureInfo.InvariantCulture ...) and every
/// language feature above C# 9 is a compile error here. This replaced the hand-written allow-list.</item>
/// <item><b>il</b>: the emitted metadata has no generic instantiation (TypeSpec/MethodSpec), no generic
/// parameter and no multidimensional array. The real mscorlib 1.17.11 does declare <c>Action&lt;T&gt;</c>,
/// <c>Func&lt;T&gt;</c> and <c>EventHandler&lt;T&gt;</c>, and a source may declare its own generic type, so
/// <c>Func&lt;int&gt; f;</c> or <c>class G&lt;T&gt;</c> compile, but the stable 1.x runtime has no generics; and
/// <c>new int[2, 2]</c> compiles (arrays are built in) but nanoFramework has only one-dimensional arrays.</item>
/// <item><b>source</b>: what compiles and emits nothing suspicious yet behaves differently on the device:
/// a custom format string (<c>x.ToString("0.00")</c>; nanoFramework formats only D, F, G, N and X) and an
/// enum turned into text (<c>status.ToString()</c>, <c>"x" + kind</c>, <c>$"{kind}"</c>), which gives the
/// number on nanoFramework, not the name.</item>
/// </list>
/// </summary>
public static class NanoSubsetChecker
{
    /// <summary>The real nanoFramework mscorlib.dll, copied beside the tests from the package.</summary>
    public static string MscorlibPath { get; } = Path.Combine(AppContext.BaseDirectory, "nano", "mscorlib.dll");

    private static readonly Lazy<MetadataReference> Mscorlib = new(() =>
    {
        if (!File.Exists(MscorlibPath))
        {
            throw new FileNotFoundException("The nanoFramework mscorlib.dll is missing beside the tests (package nanoFramework.CoreLibrary 1.17.11 not restored?)", MscorlibPath);
        }

        return MetadataReference.CreateFromFile(MscorlibPath);
    });

    /// <summary>The .cs files (outside bin/, obj/ and packages/) of the folders that exist, relative to the root, with '/'.</summary>
    public static List<string> SourceFiles(string repoRoot, IEnumerable<string> relativeFolders)
    {
        var files = new List<string>();
        foreach (string folder in relativeFolders)
        {
            string full = Path.Combine(repoRoot, folder);
            if (!Directory.Exists(full))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string rel = Path.GetRelativePath(repoRoot, file).Replace('\\', '/');
                if (!rel.Contains("/obj/", StringComparison.Ordinal) && !rel.Contains("/bin/", StringComparison.Ordinal) && !rel.Contains("/packages/", StringComparison.Ordinal))
                {
                    files.Add(rel);
                }
            }
        }

        return files;
    }

    /// <summary>Checks every .cs file of the given folders (and project files) together, as one assembly, as the device links them.</summary>
    public static List<Violation> CheckFolders(string repoRoot, IEnumerable<string> relativeFolders)
    {
        var violations = new List<Violation>();
        foreach (string folder in relativeFolders)
        {
            string full = Path.Combine(repoRoot, folder);
            if (Directory.Exists(full))
            {
                foreach (string project in Directory.EnumerateFiles(full, "*.csproj"))
                {
                    violations.AddRange(CheckProjectFile(repoRoot, project));
                }
            }
        }

        violations.AddRange(CheckSources(SourceFiles(repoRoot, relativeFolders).Select(rel => (rel, File.ReadAllText(Path.Combine(repoRoot, rel))))));
        return violations;
    }

    /// <summary>The sources as one C# 9 compilation against the real nanoFramework mscorlib only.</summary>
    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.CSharp9, DocumentationMode.Parse);
        return CSharpCompilation.Create(
            "NanoSubsetCheck",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path)),
            [Mscorlib.Value],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable, allowUnsafe: false));
    }

    /// <summary>All three steps; the IL and source steps run only when the compile succeeded.</summary>
    public static List<Violation> CheckSources(IEnumerable<(string Path, string Text)> sources)
    {
        CSharpCompilation compilation = Compile(sources);
        var found = new List<Violation>();
        foreach (Diagnostic d in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var span = d.Location.GetLineSpan();
            found.Add(new(span.Path, span.StartLinePosition.Line + 1, "compile", $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        if (found.Count > 0)
        {
            return found;
        }

        found.AddRange(CheckIl(compilation));
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            new SourceRules(compilation.GetSemanticModel(tree), found).Visit(tree.GetRoot());
        }

        return [.. found.OrderBy(v => v.File, StringComparer.Ordinal).ThenBy(v => v.Line)];
    }

    /// <summary>Emits the compilation and reads its metadata: generic instantiations, generic parameters, multidimensional arrays.</summary>
    public static List<Violation> CheckIl(CSharpCompilation compilation)
    {
        using var pe = new MemoryStream();
        var emit = compilation.Emit(pe);
        if (!emit.Success)
        {
            return [.. emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => new Violation("(emit)", 0, "compile", d.ToString()))];
        }

        pe.Position = 0;
        using var reader = new System.Reflection.PortableExecutable.PEReader(pe);
        MetadataReader md = reader.GetMetadataReader();
        var provider = new SignatureNames(md);
        var found = new List<Violation>();
        void Add(string where, string what, string rule) => found.Add(new("(il)", 0, rule, $"{where}: {what}"));

        for (int gp = 1; gp <= md.GetTableRowCount(TableIndex.GenericParam); gp++)
        {
            GenericParameter p = md.GetGenericParameter(MetadataTokens.GenericParameterHandle(gp));
            string owner = p.Parent.Kind == HandleKind.TypeDefinition
                ? TypeName(md, (TypeDefinitionHandle)p.Parent)
                : TypeName(md, md.GetMethodDefinition((MethodDefinitionHandle)p.Parent).GetDeclaringType()) + "." + md.GetString(md.GetMethodDefinition((MethodDefinitionHandle)p.Parent).Name);
            Add(owner, $"declares generic parameter {md.GetString(p.Name)}", "generic");
        }

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            string t = md.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).DecodeSignature(provider, null);
            Flag(provider, "type use", t);
        }

        for (int row = 1; row <= md.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecification spec = md.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            var args = spec.DecodeSignature(provider, null);
            Add("call", $"generic method instantiation <{string.Join(", ", args)}>", "generic");
        }

        foreach (var th in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(th);
            string owner = TypeName(md, th);
            foreach (var fh in type.GetFields())
            {
                FieldDefinition f = md.GetFieldDefinition(fh);
                Flag(provider, $"{owner}.{md.GetString(f.Name)}", f.DecodeSignature(provider, null));
            }

            foreach (var mh in type.GetMethods())
            {
                MethodDefinition m = md.GetMethodDefinition(mh);
                string where = $"{owner}.{md.GetString(m.Name)}";
                var sig = m.DecodeSignature(provider, null);
                Flag(provider, where, sig.ReturnType);
                foreach (string p in sig.ParameterTypes)
                {
                    Flag(provider, where, p);
                }

                if (m.RelativeVirtualAddress != 0)
                {
                    var body = reader.GetMethodBody(m.RelativeVirtualAddress);
                    if (!body.LocalSignature.IsNil)
                    {
                        foreach (string local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null))
                        {
                            Flag(provider, where + " (local)", local);
                        }
                    }
                }
            }
        }

        foreach (var rh in md.MemberReferences)
        {
            MemberReference r = md.GetMemberReference(rh);
            if (r.GetKind() == MemberReferenceKind.Method)
            {
                var sig = r.DecodeMethodSignature(provider, null);
                Flag(provider, "call " + md.GetString(r.Name), sig.ReturnType);
                foreach (string p in sig.ParameterTypes)
                {
                    Flag(provider, "call " + md.GetString(r.Name), p);
                }
            }
        }

        return [.. found.Distinct()];

        void Flag(SignatureNames names, string where, string type)
        {
            if (names.Generic.Contains(type))
            {
                Add(where, $"generic type {type}", "generic");
            }

            if (names.MultiDim.Contains(type))
            {
                Add(where, $"multidimensional array {type}", "multidim-array");
            }
        }
    }

    private static string TypeName(MetadataReader md, TypeDefinitionHandle h)
    {
        TypeDefinition t = md.GetTypeDefinition(h);
        string ns = md.GetString(t.Namespace);
        return (ns.Length > 0 ? ns + "." : string.Empty) + md.GetString(t.Name);
    }

    /// <summary>Names types from signatures and remembers which names are generic instantiations or multidimensional arrays (or contain one).</summary>
    private sealed class SignatureNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public HashSet<string> Generic { get; } = new(StringComparer.Ordinal);

        public HashSet<string> MultiDim { get; } = new(StringComparer.Ordinal);

        private string Derived(string element, string name)
        {
            if (Generic.Contains(element))
            {
                Generic.Add(name);
            }

            if (MultiDim.Contains(element))
            {
                MultiDim.Add(name);
            }

            return name;
        }

        public string GetArrayType(string elementType, ArrayShape shape)
        {
            string name = $"{elementType}[{new string(',', shape.Rank - 1)}]";
            MultiDim.Add(name);
            return Derived(elementType, name);
        }

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            string name = $"{genericType}<{string.Join(", ", typeArguments)}>";
            Generic.Add(name);
            return name;
        }

        public string GetGenericMethodParameter(object? genericContext, int index) => Mark("!!" + index);

        public string GetGenericTypeParameter(object? genericContext, int index) => Mark("!" + index);

        private string Mark(string name)
        {
            Generic.Add(name);
            return name;
        }

        public string GetSZArrayType(string elementType) => Derived(elementType, elementType + "[]");

        public string GetByReferenceType(string elementType) => Derived(elementType, elementType + "&");

        public string GetPointerType(string elementType) => Derived(elementType, elementType + "*");

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeName(md, handle);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            TypeReference r = md.GetTypeReference(handle);
            string ns = md.GetString(r.Namespace);
            return (ns.Length > 0 ? ns + "." : string.Empty) + md.GetString(r.Name);
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }

    /// <summary>Custom format strings and enum names: compile and emit cleanly, print something else on the device.</summary>
    private sealed class SourceRules(SemanticModel model, List<Violation> found) : CSharpSyntaxWalker
    {
        private const string FormatLetters = "DdFfGgNnXx";

        private void Report(SyntaxNode node, string rule, string detail)
        {
            var span = node.GetLocation().GetLineSpan();
            found.Add(new(span.Path, span.StartLinePosition.Line + 1, rule, detail));
        }

        private bool IsEnum(ExpressionSyntax e) => model.GetTypeInfo(e).Type is { TypeKind: TypeKind.Enum };

        public override void VisitInterpolation(InterpolationSyntax node)
        {
            if (IsEnum(node.Expression))
            {
                Report(node, "enum-name", $"{{{node.Expression}}} prints the enum's number on nanoFramework, not its name");
            }

            if (node.FormatClause != null)
            {
                CheckFormatSpecifier(node, node.FormatClause.FormatStringToken.ValueText);
            }

            base.VisitInterpolation(node);
        }

        public override void VisitBinaryExpression(BinaryExpressionSyntax node)
        {
            if (node.IsKind(SyntaxKind.AddExpression) && model.GetTypeInfo(node).Type?.SpecialType == SpecialType.System_String)
            {
                foreach (ExpressionSyntax side in new[] { node.Left, node.Right })
                {
                    if (IsEnum(side))
                    {
                        Report(side, "enum-name", $"\"...\" + {side} prints the enum's number on nanoFramework, not its name");
                    }
                }
            }

            base.VisitBinaryExpression(node);
        }

        public override void VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            if (model.GetOperation(node) is IInvocationOperation op)
            {
                IMethodSymbol m = op.TargetMethod;
                if (m.Name == "ToString" && op.Instance is { } instance && instance.Type is { TypeKind: TypeKind.Enum })
                {
                    Report(node, "enum-name", $"{node}: an enum's ToString() gives its number on nanoFramework; map it to text with a switch");
                }

                bool isFormat = m.ContainingType.SpecialType == SpecialType.System_String && m.Name == "Format";
                bool isToString = m.Name == "ToString" && m.Parameters.Length >= 1 && m.Parameters[0].Type.SpecialType == SpecialType.System_String;
                if (isFormat || isToString)
                {
                    CheckFormatCall(node, op, isToString);
                }
            }

            base.VisitInvocationExpression(node);
        }

        private void CheckFormatCall(InvocationExpressionSyntax node, IInvocationOperation op, bool isToString)
        {
            IArgumentOperation? formatArg = op.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_String && a.ArgumentKind == ArgumentKind.Explicit);
            if (formatArg == null)
            {
                return;
            }

            if (formatArg.Value.ConstantValue is not { HasValue: true, Value: string format })
            {
                Report(node, "format", "format string is not a constant, so its specifiers cannot be checked");
                return;
            }

            if (isToString)
            {
                CheckFormatSpecifier(node, format);
                return;
            }

            for (int i = 0; i < format.Length; i++)
            {
                if (format[i] != '{')
                {
                    continue;
                }

                if (i + 1 < format.Length && format[i + 1] == '{')
                {
                    i++;
                    continue;
                }

                int close = format.IndexOf('}', i);
                if (close < 0)
                {
                    Report(node, "format", $"unclosed '{{' in \"{format}\"");
                    return;
                }

                string item = format[(i + 1)..close];
                int colon = item.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    CheckFormatSpecifier(node, item[(colon + 1)..]);
                }

                i = close;
            }
        }

        private void CheckFormatSpecifier(SyntaxNode node, string spec)
        {
            bool ok = spec.Length == 0
                || (FormatLetters.Contains(spec[0], StringComparison.Ordinal) && spec.Length <= 3 && spec[1..].All(char.IsAsciiDigit));
            if (!ok)
            {
                Report(node, "format", $"format \"{spec}\": nanoFramework formats only D, F, G, N and X (with an optional precision)");
            }
        }
    }

    /// <summary>
    /// A firmware-shared project must build as C# 9 without implicit usings: it imports
    /// firmware/nano-subset.props and overrides none of its settings (its net10.0 build must not
    /// accept what the device compiler refuses).
    /// </summary>
    public static List<Violation> CheckProjectFile(string repoRoot, string projectPath)
    {
        var violations = new List<Violation>();
        string rel = Path.GetRelativePath(repoRoot, projectPath).Replace('\\', '/');
        XDocument doc = XDocument.Load(projectPath, LoadOptions.SetLineInfo);
        var imports = doc.Descendants("Import").Select(e => (string?)e.Attribute("Project") ?? string.Empty).ToList();
        if (!imports.Any(i => i.Replace('\\', '/').EndsWith("nano-subset.props", StringComparison.Ordinal)))
        {
            violations.Add(new(rel, 1, "project", "does not import firmware/nano-subset.props (LangVersion 9, no implicit usings)"));
        }

        foreach (XElement e in doc.Descendants())
        {
            int line = ((System.Xml.IXmlLineInfo)e).LineNumber;
            string value = e.Value.Trim();
            switch (e.Name.LocalName)
            {
                case "LangVersion" when value is not ("9" or "9.0"):
                    violations.Add(new(rel, line, "project", $"LangVersion {value}; nanoFramework compiles C# 9"));
                    break;
                case "ImplicitUsings" when !value.Equals("disable", StringComparison.OrdinalIgnoreCase):
                    violations.Add(new(rel, line, "project", "ImplicitUsings must stay disabled (global usings are C# 10)"));
                    break;
                case "Using" when e.Parent?.Name.LocalName == "ItemGroup":
                    violations.Add(new(rel, line, "project", "<Using> items generate global usings (C# 10)"));
                    break;
            }
        }

        return violations;
    }

    /// <summary>Checks the settings file every firmware-shared project imports.</summary>
    public static List<Violation> CheckNanoSubsetProps(string repoRoot)
    {
        const string rel = "firmware/nano-subset.props";
        string path = Path.Combine(repoRoot, rel);
        if (!File.Exists(path))
        {
            return [new(rel, 1, "project", "missing")];
        }

        XDocument doc = XDocument.Load(path);
        string? Get(string name) => doc.Descendants(name).LastOrDefault()?.Value.Trim();
        var violations = new List<Violation>();
        if (Get("LangVersion") is not ("9" or "9.0"))
        {
            violations.Add(new(rel, 1, "project", $"LangVersion is '{Get("LangVersion")}', must be 9.0"));
        }

        if (!string.Equals(Get("ImplicitUsings"), "disable", StringComparison.OrdinalIgnoreCase))
        {
            violations.Add(new(rel, 1, "project", "ImplicitUsings must be disable"));
        }

        if (!string.Equals(Get("Nullable"), "disable", StringComparison.OrdinalIgnoreCase))
        {
            violations.Add(new(rel, 1, "project", "Nullable must be disable (nano's C# 9 has no nullable context)"));
        }

        return violations;
    }
}
