using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Edge.NanoSubset.Tests;

/// <summary>One place where a source leaves the nanoFramework subset.</summary>
public sealed record Violation(string File, int Line, string Rule, string Detail)
{
    public override string ToString() => $"{File}:{Line}: [{Rule}] {Detail}";
}

/// <summary>
/// Checks C# sources against the nanoFramework C# subset (/work/shared/reference/nanoframework.md).
/// The sources are parsed as C# 9 and bound against the net10 reference assemblies; then a syntax walk
/// flags constructs nano lacks (generics, tuples, LINQ, async, Span, records, decimal, ...) and a
/// semantic walk checks every symbol that comes from the base class library against
/// <see cref="NanoAllowList"/>. Rules: generic, nullable, tuple, linq, async, span, record, decimal,
/// multidim-array, math, dynamic, bitconverter, unsafe, iterator, anonymous-type, init-accessor,
/// lang-version, format, bcl, compile, project.
/// </summary>
public static class NanoSubsetChecker
{
    private static readonly SymbolDisplayFormat Display = SymbolDisplayFormat.CSharpErrorMessageFormat
        .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly Lazy<MetadataReference[]> References = new(LoadFrameworkReferences);

    /// <summary>The .NET shared framework assemblies this test runs on (not the test's own packages).</summary>
    private static MetadataReference[] LoadFrameworkReferences()
    {
        string frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return
        [
            .. tpa.Split(Path.PathSeparator)
                .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDir, StringComparison.Ordinal))
                .Select(p => MetadataReference.CreateFromFile(p)),
        ];
    }

    /// <summary>Checks every .cs file (outside bin/ and obj/) of the given folders together, as one compilation.</summary>
    public static List<Violation> CheckFolders(string repoRoot, IEnumerable<string> relativeFolders)
    {
        var violations = new List<Violation>();
        var sources = SourceFiles(repoRoot, relativeFolders).Select(rel => (rel, File.ReadAllText(Path.Combine(repoRoot, rel)))).ToList();
        foreach (string folder in relativeFolders)
        {
            string full = Path.Combine(repoRoot, folder);
            if (!Directory.Exists(full))
            {
                continue;
            }

            foreach (string project in Directory.EnumerateFiles(full, "*.csproj"))
            {
                violations.AddRange(CheckProjectFile(repoRoot, project));
            }
        }

        violations.AddRange(CheckSources(sources));
        return violations;
    }

    /// <summary>The .cs files (outside bin/ and obj/) of the folders that exist, relative to the root, with '/'.</summary>
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
                if (!rel.Contains("/obj/", StringComparison.Ordinal) && !rel.Contains("/bin/", StringComparison.Ordinal))
                {
                    files.Add(rel);
                }
            }
        }

        return files;
    }

    /// <summary>
    /// A firmware-shared project must compile as C# 9 without implicit usings: it imports
    /// firmware/nano-subset.props (which the test also checks) and overrides none of its settings.
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

    /// <summary>Checks sources (path for messages, text) as one C# 9 compilation.</summary>
    public static List<Violation> CheckSources(IEnumerable<(string Path, string Text)> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.CSharp9, DocumentationMode.Parse);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            "NanoSubsetCheck",
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable, allowUnsafe: false));

        var found = new SortedSet<(string File, int Line, string Rule, string Detail)>();

        foreach (Diagnostic d in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var span = d.Location.GetLineSpan();
            bool language = d.Id is "CS8652" or "CS8773" or "CS9058" or "CS8936" or "CS1738" || d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("C# 9", StringComparison.Ordinal);
            found.Add((span.Path, span.StartLinePosition.Line + 1, language ? "lang-version" : "compile", $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        foreach (SyntaxTree tree in trees)
        {
            var walker = new Walker(compilation, compilation.GetSemanticModel(tree), found);
            walker.Visit(tree.GetRoot());
        }

        return [.. found.Select(f => new Violation(f.File, f.Line, f.Rule, f.Detail))];
    }

    private sealed class Walker(CSharpCompilation compilation, SemanticModel model, SortedSet<(string, int, string, string)> found)
        : CSharpSyntaxWalker(SyntaxWalkerDepth.Token)
    {
        private void Report(SyntaxNode node, string rule, string detail) => Report(node.GetLocation(), rule, detail);

        private void Report(SyntaxToken token, string rule, string detail) => Report(token.GetLocation(), rule, detail);

        private void Report(Location location, string rule, string detail)
        {
            var span = location.GetLineSpan();
            found.Add((span.Path, span.StartLinePosition.Line + 1, rule, detail));
        }

        public override void VisitToken(SyntaxToken token)
        {
            if (token.IsKind(SyntaxKind.NumericLiteralToken) && token.Value is decimal)
            {
                Report(token, "decimal", "decimal literal");
            }

            if (token.Kind() is SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
                or SyntaxKind.Utf8StringLiteralToken or SyntaxKind.Utf8SingleLineRawStringLiteralToken or SyntaxKind.Utf8MultiLineRawStringLiteralToken)
            {
                Report(token, "lang-version", "raw or UTF-8 string literal (C# 11)");
            }
        }

        public override void DefaultVisit(SyntaxNode node)
        {
            CheckSyntax(node);
            CheckSemantics(node);
            base.DefaultVisit(node);
        }

        public override void VisitUsingDirective(UsingDirectiveSyntax node)
        {
            if (!node.GlobalKeyword.IsKind(SyntaxKind.None))
            {
                Report(node, "lang-version", "global using (C# 10)");
            }

            if (node.Alias == null && node.StaticKeyword.IsKind(SyntaxKind.None) && node.Name != null)
            {
                string ns = node.Name.ToString();
                if (ns.StartsWith("System.Linq", StringComparison.Ordinal))
                {
                    Report(node, "linq", $"using {ns}");
                }
                else if (ns.StartsWith("System.Threading.Tasks", StringComparison.Ordinal))
                {
                    Report(node, "async", $"using {ns}");
                }
                else if (!NanoAllowList.Namespaces.Contains(ns) && !IsDeclaredInSource(model.GetSymbolInfo(node.Name).Symbol))
                {
                    Report(node, "bcl", $"using {ns}: namespace not in nano's mscorlib");
                }
            }
            else
            {
                Report(node, "bcl", "using alias or using static: keep firmware-shared code plain");
            }
            // Do not descend: the namespace name parts are not uses.
        }

        private void CheckSyntax(SyntaxNode node)
        {
            switch (node)
            {
                case QueryExpressionSyntax:
                    Report(node, "linq", "query expression");
                    break;
                case AwaitExpressionSyntax:
                    Report(node, "async", "await");
                    break;
                case MethodDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    Report(m.Identifier, "async", $"async method {m.Identifier.Text}");
                    break;
                case LocalFunctionStatementSyntax f when f.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    Report(f.Identifier, "async", "async local function");
                    break;
                case AnonymousFunctionExpressionSyntax f when f.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    Report(node, "async", "async lambda");
                    break;
                case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                    Report(node, "span", "stackalloc");
                    break;
                case RecordDeclarationSyntax r:
                    Report(r.Identifier, "record", $"record {r.Identifier.Text}");
                    break;
                case WithExpressionSyntax:
                    Report(node, "record", "with expression");
                    break;
                case TupleTypeSyntax or TupleExpressionSyntax:
                    Report(node, "tuple", node.ToString());
                    break;
                case NullableTypeSyntax n:
                    Report(node, "nullable", $"{n} (Nullable<T> or a nullable annotation)");
                    break;
                case ArrayRankSpecifierSyntax a when a.Rank > 1:
                    Report(node, "multidim-array", $"array rank {a.Rank}");
                    break;
                case TypeParameterListSyntax:
                    Report(node, "generic", $"generic declaration {node.Parent switch { BaseTypeDeclarationSyntax t => t.Identifier.Text, MethodDeclarationSyntax m => m.Identifier.Text, DelegateDeclarationSyntax d => d.Identifier.Text, LocalFunctionStatementSyntax l => l.Identifier.Text, _ => string.Empty }}{node}");
                    break;
                case GenericNameSyntax g:
                    Report(node, "generic", g.ToString());
                    break;
                case FileScopedNamespaceDeclarationSyntax:
                    Report(node, "lang-version", "file-scoped namespace (C# 10); use a block namespace");
                    break;
                case AccessorDeclarationSyntax a when a.IsKind(SyntaxKind.InitAccessorDeclaration):
                    Report(node, "init-accessor", "init accessor (needs IsExternalInit, which nano lacks)");
                    break;
                case YieldStatementSyntax:
                    Report(node, "iterator", "yield: iterators compile to IEnumerable<object>/IEnumerator<object>");
                    break;
                case AnonymousObjectCreationExpressionSyntax:
                    Report(node, "anonymous-type", "anonymous types compile to generic classes");
                    break;
                case PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax or UnsafeStatementSyntax:
                    Report(node, "unsafe", "unsafe code");
                    break;
                case PredefinedTypeSyntax p when p.Keyword.IsKind(SyntaxKind.DecimalKeyword):
                    Report(node, "decimal", "decimal");
                    break;
                case RangeExpressionSyntax:
                    Report(node, "lang-version", "range expression (System.Range)");
                    break;
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.IndexExpression):
                    Report(node, "lang-version", "index from end (System.Index)");
                    break;
                case InterpolationFormatClauseSyntax f:
                    CheckFormatSpecifier(node, f.FormatStringToken.ValueText);
                    break;
                case MemberDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                    Report(node.GetFirstToken(), "unsafe", "unsafe member");
                    break;
            }
        }

        private void CheckSemantics(SyntaxNode node)
        {
            switch (node)
            {
                case InvocationExpressionSyntax inv:
                    {
                        if (model.GetSymbolInfo(inv).Symbol is IMethodSymbol method)
                        {
                            var op = model.GetOperation(inv) as IInvocationOperation;
                            CheckMember(inv, method, op == null ? null : UsedParameters(op.Arguments));
                            if (op != null)
                            {
                                CheckFormatCall(inv, op);
                            }
                        }

                        return;
                    }

                case BaseObjectCreationExpressionSyntax create:
                    {
                        if (model.GetSymbolInfo(create).Symbol is IMethodSymbol ctor)
                        {
                            var op = model.GetOperation(create) as IObjectCreationOperation;
                            CheckMember(create, ctor, op == null ? null : UsedParameters(op.Arguments));
                        }

                        CheckType(create, model.GetTypeInfo(create).Type);
                        return;
                    }

                case ForEachStatementSyntax fe:
                    {
                        ForEachStatementInfo info = model.GetForEachStatementInfo(fe);
                        CheckMember(fe.Expression, info.GetEnumeratorMethod, null);
                        CheckMember(fe.Expression, info.MoveNextMethod, null);
                        CheckMember(fe.Expression, info.CurrentProperty, null);
                        CheckType(fe.Expression, info.ElementType);
                        break;
                    }
            }

            if (IsInvokedExpression(node))
            {
                return; // the invocation checks the method with the arguments it passes
            }

            if (node is ExpressionSyntax or ConstructorInitializerSyntax or AttributeSyntax or TypeSyntax)
            {
                SymbolInfo info = model.GetSymbolInfo(node);
                switch (info.Symbol)
                {
                    case IMethodSymbol m:
                        CheckMember(node, m, null);
                        break;
                    case IPropertySymbol or IFieldSymbol or IEventSymbol:
                        CheckMember(node, info.Symbol, null);
                        break;
                    case ITypeSymbol t:
                        CheckType(node, t);
                        break;
                    case ILocalSymbol l:
                        CheckType(node, l.Type);
                        break;
                    case IParameterSymbol p:
                        CheckType(node, p.Type);
                        break;
                }
            }

            if (node is ExpressionSyntax expr)
            {
                TypeInfo type = model.GetTypeInfo(expr);
                CheckType(node, type.Type);
                CheckType(node, type.ConvertedType);
                Conversion conversion = model.GetConversion(expr);
                if (conversion.IsUserDefined && conversion.MethodSymbol != null)
                {
                    CheckMember(node, conversion.MethodSymbol, null);
                }
            }
        }

        /// <summary>True for the expression an invocation calls (a.M or M in a.M(...)), whose symbol the invocation checks.</summary>
        private static bool IsInvokedExpression(SyntaxNode node)
        {
            SyntaxNode n = node;
            if (n.Parent is MemberAccessExpressionSyntax ma && ma.Name == n)
            {
                n = ma;
            }
            else if (n.Parent is MemberBindingExpressionSyntax mb && mb.Name == n)
            {
                n = mb;
            }

            return n is ExpressionSyntax && n.Parent is InvocationExpressionSyntax inv && inv.Expression == n;
        }

        /// <summary>Parameters of the arguments the call really passes (optional ones left out are dropped).</summary>
        private static int UsedParameters(System.Collections.Immutable.ImmutableArray<IArgumentOperation> args)
        {
            int used = 0;
            foreach (IArgumentOperation a in args)
            {
                if (a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter != null)
                {
                    used = Math.Max(used, a.Parameter.Ordinal + 1);
                }
            }

            return used;
        }

        private static bool IsDeclaredInSource(ISymbol? symbol) =>
            symbol != null && symbol.Locations.Any(l => l.IsInSource);

        private bool IsFromLibrary(ISymbol? symbol) =>
            symbol != null && symbol.ContainingAssembly != null
            && !SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, compilation.Assembly);

        private void CheckMember(SyntaxNode node, ISymbol? member, int? usedParameters)
        {
            if (member == null)
            {
                return;
            }

            if (member is IMethodSymbol m)
            {
                if (m.MethodKind == MethodKind.BuiltinOperator)
                {
                    return;
                }

                if (m.ReducedFrom != null)
                {
                    m = m.ReducedFrom;
                }

                if (m.IsGenericMethod)
                {
                    Report(node, "generic", $"generic method {m.ToDisplayString(Display)}");
                }

                if (m.ContainingType is { } owner && IsFromLibrary(m) && CheckType(node, owner))
                {
                    return;
                }
            }
            else if (member.ContainingType is { } owner && IsFromLibrary(member) && CheckType(node, owner))
            {
                return;
            }

            if (!IsFromLibrary(member))
            {
                return;
            }

            string key = Key(member, usedParameters);
            string type = member.ContainingType.ToDisplayString(Display);
            bool allowed = NanoAllowList.Members.Contains(key)
                || NanoAllowList.Members.Contains(type + ".*")
                || NanoAllowList.Members.Contains($"{type}.{member.Name}(*)");
            if (!allowed && member is IMethodSymbol { MethodKind: MethodKind.Constructor } && member.ContainingType.TypeKind == TypeKind.Struct && usedParameters == 0)
            {
                allowed = true; // default(struct)
            }

            if (!allowed)
            {
                Report(node, "bcl", $"{key} is not in the nanoFramework allow-list");
            }
        }

        private static string Key(ISymbol member, int? usedParameters)
        {
            string type = member.ContainingType.ToDisplayString(Display);
            switch (member)
            {
                case IMethodSymbol m:
                    {
                        string name = m.MethodKind == MethodKind.Constructor ? ".ctor" : m.Name;
                        var ps = m.Parameters.Take(usedParameters ?? m.Parameters.Length).Select(p =>
                            (p.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", _ => string.Empty })
                            + p.Type.ToDisplayString(Display));
                        return $"{type}.{name}({string.Join(", ", ps)})";
                    }

                case IPropertySymbol { IsIndexer: true }:
                    return $"{type}.this[]";
                default:
                    return $"{type}.{member.Name}";
            }
        }

        /// <summary>Checks a type; returns true when it broke a categorical rule (so the member check is moot).</summary>
        private bool CheckType(SyntaxNode node, ITypeSymbol? type)
        {
            switch (type)
            {
                case null or IErrorTypeSymbol:
                    return false;
                case IArrayTypeSymbol array:
                    if (array.Rank > 1)
                    {
                        Report(node, "multidim-array", array.ToDisplayString(Display));
                        return true;
                    }

                    return CheckType(node, array.ElementType);
                case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                    Report(node, "unsafe", type.ToDisplayString(Display));
                    return true;
                case IDynamicTypeSymbol:
                    Report(node, "dynamic", "dynamic");
                    return true;
                case ITypeParameterSymbol tp:
                    Report(node, "generic", $"type parameter {tp.Name}");
                    return true;
                case INamedTypeSymbol named:
                    return CheckNamedType(node, named);
                default:
                    return false;
            }
        }

        private bool CheckNamedType(SyntaxNode node, INamedTypeSymbol named)
        {
            string name = named.OriginalDefinition.ToDisplayString(Display);
            string ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (named.IsTupleType)
            {
                Report(node, "tuple", named.ToDisplayString(Display));
                return true;
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                Report(node, "nullable", $"{named.ToDisplayString(Display)} (Nullable<T>)");
                return true;
            }

            if (named.SpecialType == SpecialType.System_Decimal)
            {
                Report(node, "decimal", "decimal");
                return true;
            }

            if (named.IsAnonymousType)
            {
                Report(node, "anonymous-type", "anonymous type");
                return true;
            }

            if (ns.StartsWith("System.Linq", StringComparison.Ordinal))
            {
                Report(node, "linq", name);
                return true;
            }

            if (ns.StartsWith("System.Threading.Tasks", StringComparison.Ordinal) || name.Contains("AsyncMethodBuilder", StringComparison.Ordinal))
            {
                Report(node, "async", name);
                return true;
            }

            if (name is "System.Span<T>" or "System.ReadOnlySpan<T>" or "System.Memory<T>" or "System.ReadOnlyMemory<T>")
            {
                Report(node, "span", name);
                return true;
            }

            if (name is "System.Math" or "System.MathF")
            {
                Report(node, "math", $"{name}: nano has Math only in a package; keep to integer or float code");
                return true;
            }

            if (name == "System.BitConverter")
            {
                Report(node, "bitconverter", "BitConverter follows the CPU byte order; use LittleEndian");
                return true;
            }

            if (named.IsGenericType || named.ContainingType is { IsGenericType: true })
            {
                Report(node, "generic", named.ToDisplayString(Display));
                return true;
            }

            if (IsFromLibrary(named) && !NanoAllowList.Types.Contains(name))
            {
                Report(node, "bcl", $"type {name} is not in the nanoFramework allow-list");
                return true;
            }

            return false;
        }

        private void CheckFormatCall(InvocationExpressionSyntax node, IInvocationOperation op)
        {
            IMethodSymbol m = op.TargetMethod;
            bool isFormat = m.ContainingType.SpecialType == SpecialType.System_String && m.Name == "Format";
            bool isToString = m.Name == "ToString" && m.Parameters.Length >= 1
                && m.Parameters[0].Type.SpecialType == SpecialType.System_String
                && IsFromLibrary(m);
            if (!isFormat && !isToString)
            {
                return;
            }

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
                if (format[i] == '{')
                {
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
        }

        private void CheckFormatSpecifier(SyntaxNode node, string spec)
        {
            bool ok = spec.Length == 0
                || (NanoAllowList.FormatLetters.Contains(spec[0], StringComparison.Ordinal) && spec.Length <= 3 && spec[1..].All(char.IsAsciiDigit));
            if (!ok)
            {
                Report(node, "format", $"format \"{spec}\": nano supports only D, F, G, N and X (with an optional precision)");
            }
        }
    }
}
