using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Cloud.Contracts;

/// <summary>
/// Source-generated JSON for the contract: camelCase, nulls omitted, and members that are not in the
/// contract refused (so nothing the contract does not name, raw samples included, is ever stored).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(UplinkBatch))]
[JsonSerializable(typeof(UplinkBatchResult))]
[JsonSerializable(typeof(UplinkEvent))]
public sealed partial class UplinkJsonContext : JsonSerializerContext;
