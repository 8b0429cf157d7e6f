using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace Edge.Gateway.Tests.Diagnostics;

/// <summary>One <c>[LoggerMessage]</c> method: its assembly, its type and name, and the event id it logs with (-1: none given).</summary>
internal sealed record LogEvent(string Assembly, string Method, int Id)
{
    public override string ToString() => $"{Assembly}: {Method}";
}

/// <summary>
/// Reads every <c>[LoggerMessage]</c> method of a program from the metadata of its assemblies (nothing is loaded or
/// run). A program's own assemblies are the "project" libraries of its <c>.deps.json</c>: every assembly of ours its
/// process can load, whichever library the log call sits in.
/// </summary>
internal static class LogEventCensus
{
    /// <summary>The build of a program beside this test's (same configuration), e.g. ("edge-gateway/src/Edge.Gateway", "Edge.Gateway").</summary>
    public static string BuiltDll(string projectDir, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(Edge.TestKit.TestData.RepoRoot, projectDir, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build {projectDir} ({configuration}) first");
    }

    /// <summary>The [LoggerMessage] methods of every project assembly of the program <paramref name="entryDll"/>.</summary>
    public static IReadOnlyList<LogEvent> ReadProgram(string entryDll) => [.. ProjectAssemblies(entryDll).SelectMany(Read)];

    /// <summary>The program's own assemblies: the entries of type "project" in its deps.json, found beside it.</summary>
    public static IReadOnlyList<string> ProjectAssemblies(string entryDll)
    {
        var depsFile = Path.ChangeExtension(entryDll, ".deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllBytes(depsFile));
        var libraries = deps.RootElement.GetProperty("libraries");
        var folder = Path.GetDirectoryName(entryDll)!;
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var target in deps.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                if (libraries.GetProperty(library.Name).GetProperty("type").GetString() == "project"
                    && library.Value.TryGetProperty("runtime", out var runtime))
                {
                    foreach (var file in runtime.EnumerateObject())
                    {
                        found.Add(Path.Combine(folder, Path.GetFileName(file.Name)));
                    }
                }
            }
        }

        return found.Count > 0 ? [.. found] : throw new InvalidOperationException($"{depsFile} lists no project assembly");
    }

    /// <summary>The [LoggerMessage] methods of one assembly.</summary>
    public static IReadOnlyList<LogEvent> Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var metadata = pe.GetMetadataReader();
        var assembly = metadata.GetString(metadata.GetAssemblyDefinition().Name);
        var events = new List<LogEvent>();
        foreach (var handle in metadata.MethodDefinitions)
        {
            var method = metadata.GetMethodDefinition(handle);
            foreach (var attributeHandle in method.GetCustomAttributes())
            {
                var attribute = metadata.GetCustomAttribute(attributeHandle);
                if (!IsLoggerMessage(metadata, attribute))
                {
                    continue;
                }

                // LoggerMessageAttribute(int eventId, LogLevel level, string message), or EventId = N; unset it is -1.
                var value = attribute.DecodeValue(AttributeTypes.Instance);
                var id = -1;
                foreach (var argument in value.FixedArguments.Where(a => a.Type == nameof(PrimitiveTypeCode.Int32)))
                {
                    id = (int)argument.Value!;
                }

                foreach (var argument in value.NamedArguments.Where(a => a.Name == "EventId"))
                {
                    id = (int)argument.Value!;
                }

                events.Add(new LogEvent(assembly, $"{TypeName(metadata, method.GetDeclaringType())}.{metadata.GetString(method.Name)}", id));
            }
        }

        return events;
    }

    /// <summary>"id: where, where" for every id that more than one method logs with.</summary>
    public static IReadOnlyList<string> Collisions(IEnumerable<LogEvent> events) =>
        [.. events.Distinct().GroupBy(e => e.Id).Where(g => g.Count() > 1).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}: {string.Join(", ", g)}")];

    private static bool IsLoggerMessage(MetadataReader metadata, CustomAttribute attribute)
    {
        var type = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default(EntityHandle),
        };
        return type.Kind switch
        {
            HandleKind.TypeReference => IsLoggerMessage(metadata, metadata.GetTypeReference((TypeReferenceHandle)type).Namespace, metadata.GetTypeReference((TypeReferenceHandle)type).Name),
            HandleKind.TypeDefinition => IsLoggerMessage(metadata, metadata.GetTypeDefinition((TypeDefinitionHandle)type).Namespace, metadata.GetTypeDefinition((TypeDefinitionHandle)type).Name),
            _ => false,
        };
    }

    private static bool IsLoggerMessage(MetadataReader metadata, StringHandle ns, StringHandle name) =>
        metadata.StringComparer.Equals(ns, "Microsoft.Extensions.Logging") && metadata.StringComparer.Equals(name, "LoggerMessageAttribute");

    private static string TypeName(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        var type = metadata.GetTypeDefinition(handle);
        var name = metadata.GetString(type.Name);
        var outer = type.GetDeclaringType();
        return outer.IsNil ? $"{metadata.GetString(type.Namespace)}.{name}" : $"{TypeName(metadata, outer)}+{name}";
    }

    /// <summary>Names attribute argument types; LogLevel, the only enum a [LoggerMessage] takes, is an int.</summary>
    private sealed class AttributeTypes : ICustomAttributeTypeProvider<string>
    {
        public static readonly AttributeTypes Instance = new();

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            $"{reader.GetString(reader.GetTypeDefinition(handle).Namespace)}.{reader.GetString(reader.GetTypeDefinition(handle).Name)}";

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            $"{reader.GetString(reader.GetTypeReference(handle).Namespace)}.{reader.GetString(reader.GetTypeReference(handle).Name)}";

        public string GetTypeFromSerializedName(string name) => name;

        // A named argument names its enum assembly-qualified: "Microsoft.Extensions.Logging.LogLevel, Microsoft.Extensions...".
        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => type.Split(',')[0] == "Microsoft.Extensions.Logging.LogLevel"
            ? PrimitiveTypeCode.Int32
            : throw new NotSupportedException($"[LoggerMessage] with an argument of enum type {type}");

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
