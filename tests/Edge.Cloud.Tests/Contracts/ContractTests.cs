using System.Collections;
using System.Reflection;
using System.Text.Json;
using Edge.Cloud.Contracts;

namespace Edge.Cloud.Tests.Contracts;

public sealed class ContractTests
{
    private static readonly string[] SensorWords = ["sample", "accel", "raw", "gyro", "axis", "signal", "waveform", "magnitude", "window"];

    /// <summary>
    /// The uplink contract cannot carry raw sensor data: no property anywhere in the contract is a
    /// collection of numbers, a byte array, or free-form JSON, and no property is named like sensor data.
    /// </summary>
    [Fact]
    public void Contract_EveryPropertyOfEveryType_CannotHoldSensorSamples()
    {
        var types = typeof(UplinkEvent).Assembly.GetExportedTypes();
        var checkedProperties = 0;
        foreach (var type in types)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                checkedProperties++;
                var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                Assert.False(t == typeof(byte[]) || t == typeof(JsonElement) || t == typeof(JsonDocument) || t == typeof(object),
                    $"{type.Name}.{property.Name} is {t.Name}: it could carry anything");
                if (t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t))
                {
                    var element = t.IsArray ? t.GetElementType()! : t.GetGenericArguments().Single();
                    Assert.False(element.IsPrimitive || element == typeof(decimal) || element == typeof(string),
                        $"{type.Name}.{property.Name} is a collection of {element.Name}");
                }

                Assert.DoesNotContain(SensorWords, w => property.Name.Contains(w, StringComparison.OrdinalIgnoreCase));
            }
        }

        Assert.True(checkedProperties > 30, "the walk reached the contract's properties");
    }

    [Fact]
    public void Deserialize_UnknownMemberSuchAsSamples_Refused()
    {
        const string json = """
            {"events":[{"idempotencyKey":"k","gatewayId":"g","siteId":"s","type":"incident.raised","occurredAt":"2026-01-01T00:00:00Z",
            "incidentId":"i","sequence":1,"incident":{"kind":"fall","samples":[1,2,3]}}]}
            """;

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, UplinkJsonContext.Default.UplinkBatch));
    }

    [Fact]
    public void SerializeThenDeserialize_Event_RoundTripsWithCamelCaseAndNoNulls()
    {
        var e = new UplinkEvent
        {
            IdempotencyKey = "gw:1", GatewayId = "gw", SiteId = "s", Type = UplinkEventTypes.IncidentRaised,
            OccurredAt = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero), IncidentId = "i", Sequence = 1,
            Incident = new IncidentPayload { Kind = "fall", Score = 0.5 },
        };

        var json = JsonSerializer.Serialize(e, UplinkJsonContext.Default.UplinkEvent);

        Assert.Contains("\"idempotencyKey\":\"gw:1\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.Equal(e, JsonSerializer.Deserialize(json, UplinkJsonContext.Default.UplinkEvent));
    }

    [Theory]
    [InlineData(UplinkEventTypes.IncidentRaised, true)]
    [InlineData(UplinkEventTypes.NotificationAttempt, true)]
    [InlineData(UplinkEventTypes.HealthSummary, false)]
    [InlineData(UplinkEventTypes.DeviceHealth, false)]
    public void IsAlertPath_ByType_IncidentAndNotificationOnly(string type, bool expected) =>
        Assert.Equal(expected, UplinkEventTypes.IsAlertPath(type));
}
