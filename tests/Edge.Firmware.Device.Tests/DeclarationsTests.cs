using Edge.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Edge.Firmware.Device.Tests;

/// <summary>
/// The compile-only declarations the shell is checked against, pinned to the real APIs in
/// ../shared/reference/nanoframework.md: enum values and base types, modifiers, nesting, constructors
/// and the signatures the shell calls. A wrong constant here would let the compile check pass a shell
/// that sends the wrong value on a device. Compiled with Roslyn against the real nanoFramework mscorlib.
/// </summary>
public class DeclarationsTests
{
    private static readonly Lazy<CSharpCompilation> Declarations = new(Compile);

    private static CSharpCompilation Compile()
    {
        string source = Path.Combine(TestData.RepoRoot, "firmware", "src", "Edge.Firmware.NanoDeclarations.CompileOnly", "Declarations.cs");
        string mscorlib = Path.Combine(AppContext.BaseDirectory, "nano", "mscorlib.dll");
        var compilation = CSharpCompilation.Create(
            "Declarations",
            [CSharpSyntaxTree.ParseText(File.ReadAllText(source), new CSharpParseOptions(LanguageVersion.CSharp9), source)],
            [MetadataReference.CreateFromFile(mscorlib)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return compilation;
    }

    private static INamedTypeSymbol Type(string metadataName) =>
        Declarations.Value.Assembly.GetTypeByMetadataName(metadataName) ?? throw new InvalidOperationException($"{metadataName} is not declared");

    private static Dictionary<string, long> EnumValues(string metadataName)
    {
        var t = Type(metadataName);
        Assert.Equal(TypeKind.Enum, t.TypeKind);
        return t.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue)
            .ToDictionary(f => f.Name, f => Convert.ToInt64(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TheoryData<string, string, long> PageEnumValues() => new()
    {
        { "System.Device.Gpio.PinMode", "Input", 0 },
        { "System.Device.Gpio.PinMode", "InputPullDown", 1 },
        { "System.Device.Gpio.PinMode", "InputPullUp", 2 },
        { "System.Device.Gpio.PinMode", "Output", 3 },
        { "nanoFramework.M2Mqtt.MqttSslProtocols", "None", 0 },
        { "nanoFramework.M2Mqtt.MqttSslProtocols", "SSLv3", 1 },
        { "nanoFramework.M2Mqtt.MqttSslProtocols", "TLSv1_0", 2 },
        { "nanoFramework.M2Mqtt.MqttSslProtocols", "TLSv1_1", 3 },
        { "nanoFramework.M2Mqtt.MqttSslProtocols", "TLSv1_2", 4 },
        { "nanoFramework.M2Mqtt.MqttSslProtocols", "TLSv1_3", 5 },
        { "nanoFramework.Hardware.Esp32.DeviceFunction", "I2C1_DATA", 0x20100 },
        { "nanoFramework.Hardware.Esp32.DeviceFunction", "I2C1_CLOCK", 0x20101 },
        { "nanoFramework.Networking.NetworkHelperStatus", "TokenExpiredWaitingIPAddress", 4 },
        { "nanoFramework.Networking.NetworkHelperStatus", "TokenExpiredWaitingDateTime", 5 },
        { "nanoFramework.Networking.NetworkHelperStatus", "ErrorConnetingToWiFiWhileScanning", 6 },
        { "nanoFramework.Networking.NetworkHelperStatus", "Reconnecting", 8 },
        { "nanoFramework.M2Mqtt.Messages.MqttQoSLevel", "AtMostOnce", 0 },
        { "nanoFramework.M2Mqtt.Messages.MqttQoSLevel", "AtLeastOnce", 1 },
        { "nanoFramework.M2Mqtt.Messages.MqttReasonCode", "Success", 0 },
    };

    [Theory]
    [MemberData(nameof(PageEnumValues))]
    public void Enum_ValueTheShellUses_IsTheReferencePageValue(string type, string member, long value)
    {
        Assert.Equal(value, EnumValues(type)[member]);
    }

    [Theory]
    [InlineData("System.Device.Gpio.PinMode")]
    [InlineData("nanoFramework.M2Mqtt.MqttSslProtocols")]
    [InlineData("nanoFramework.Hardware.Esp32.DeviceFunction")]
    [InlineData("nanoFramework.Networking.NetworkHelperStatus")]
    [InlineData("nanoFramework.M2Mqtt.Messages.MqttQoSLevel")]
    [InlineData("nanoFramework.M2Mqtt.Messages.MqttReasonCode")]
    public void Enum_BaseType_IsInt(string type)
    {
        Assert.Equal(SpecialType.System_Int32, Type(type).EnumUnderlyingType!.SpecialType);
    }

    [Fact]
    public void NetworkHelperStatus_NamesOnTheWireMatchTheDeclaredValues()
    {
        // The device sends the status as the Wi-Fi fault detail and the gateway names it with
        // DeviceFaults.WiFiStatusName: both sides must agree with the declared enum.
        foreach (var (name, value) in EnumValues("nanoFramework.Networking.NetworkHelperStatus"))
        {
            Assert.Equal(name, Edge.Protocol.DeviceFaults.WiFiStatusName((int)value));
        }
    }

    [Fact]
    public void MqttMsgPublishedEventHandler_IsNestedInIMqttClient_NotInMqttClient()
    {
        var handler = Type("nanoFramework.M2Mqtt.IMqttClient+MqttMsgPublishedEventHandler");
        Assert.Equal(TypeKind.Delegate, handler.TypeKind);
        Assert.Equal(TypeKind.Interface, handler.ContainingType!.TypeKind);
        Assert.Empty(Type("nanoFramework.M2Mqtt.MqttClient").GetTypeMembers());

        var ev = Type("nanoFramework.M2Mqtt.MqttClient").GetMembers("MqttMsgPublished").OfType<IEventSymbol>().Single();
        Assert.Equal(handler, ev.Type, SymbolEqualityComparer.Default);
        Assert.Contains(Type("nanoFramework.M2Mqtt.IMqttClient"), Type("nanoFramework.M2Mqtt.MqttClient").Interfaces, SymbolEqualityComparer.Default);
    }

    [Theory]
    [InlineData("System.Device.Gpio.GpioPin")]
    [InlineData("System.Device.Gpio.GpioController")]
    [InlineData("nanoFramework.Hardware.Esp32.Configuration")]
    [InlineData("nanoFramework.Hardware.Esp32.HighResTimer")]
    public void Class_IsNeitherSealedNorStatic(string type)
    {
        var t = Type(type);
        Assert.False(t.IsSealed, $"{type} is sealed");
        Assert.False(t.IsStatic, $"{type} is static");
    }

    [Theory]
    [InlineData("nanoFramework.Hardware.Esp32.Configuration")]
    [InlineData("nanoFramework.Hardware.Esp32.HighResTimer")]
    [InlineData("System.Device.Gpio.GpioPin")]
    [InlineData("System.Device.I2c.I2cDevice")]
    [InlineData("System.Device.I2c.I2cConnectionSettings")]
    [InlineData("System.Security.Cryptography.X509Certificates.X509Certificate")]
    [InlineData("nanoFramework.M2Mqtt.MqttClient")]
    public void Class_HasNoPublicParameterlessConstructor(string type)
    {
        Assert.DoesNotContain(Type(type).InstanceConstructors, c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0);
    }

    [Theory]
    [InlineData("nanoFramework.M2Mqtt.MqttClient", ".ctor", "string, int, bool, System.Security.Cryptography.X509Certificates.X509Certificate, System.Security.Cryptography.X509Certificates.X509Certificate, nanoFramework.M2Mqtt.MqttSslProtocols", "void")]
    [InlineData("nanoFramework.M2Mqtt.MqttClient", "Connect", "string, string, string, bool, nanoFramework.M2Mqtt.Messages.MqttQoSLevel, bool, string, string, bool, ushort", "nanoFramework.M2Mqtt.Messages.MqttReasonCode")]
    [InlineData("nanoFramework.M2Mqtt.MqttClient", "Publish", "string, byte[], string, System.Collections.ArrayList, nanoFramework.M2Mqtt.Messages.MqttQoSLevel, bool", "ushort")]
    [InlineData("nanoFramework.Networking.WifiNetworkHelper", "ConnectDhcp", "string, string, System.Device.Wifi.WifiReconnectionKind, bool, int, System.Threading.CancellationToken", "bool")]
    [InlineData("System.Security.Cryptography.X509Certificates.X509Certificate", ".ctor", "byte[]", "void")]
    [InlineData("System.Security.Cryptography.X509Certificates.X509Certificate", ".ctor", "string", "void")]
    [InlineData("System.Device.I2c.I2cDevice", "WriteRead", "System.SpanByte, System.SpanByte", "System.Device.I2c.I2cTransferResult")]
    [InlineData("System.Device.I2c.I2cDevice", "Write", "System.SpanByte", "System.Device.I2c.I2cTransferResult")]
    [InlineData("System.Device.I2c.I2cDevice", "Create", "System.Device.I2c.I2cConnectionSettings", "System.Device.I2c.I2cDevice")]
    [InlineData("System.Device.Gpio.GpioController", "OpenPin", "int, System.Device.Gpio.PinMode", "System.Device.Gpio.GpioPin")]
    [InlineData("nanoFramework.Hardware.Esp32.Configuration", "SetPinFunction", "int, nanoFramework.Hardware.Esp32.DeviceFunction", "void")]
    [InlineData("nanoFramework.Hardware.Esp32.HighResTimer", "GetCurrent", "", "ulong")]
    [InlineData("nanoFramework.Runtime.Native.Power", "RebootDevice", "", "void")]
    [InlineData("System.Text.Encoding", "GetString", "byte[], int, int", "string")]
    public void Method_TheShellCalls_HasTheReferencePageSignature(string type, string name, string parameters, string returns)
    {
        var methods = Type(type).GetMembers(name).OfType<IMethodSymbol>()
            .Where(m => m.DeclaredAccessibility == Accessibility.Public)
            .Select(m => (Params: string.Join(", ", m.Parameters.Select(p => p.Type.ToDisplayString())), Returns: m.ReturnType.ToDisplayString()))
            .ToList();

        Assert.Contains((parameters, returns), methods);
    }

    [Fact]
    public void SpanByte_AndOtherMscorlibTypes_AreNotRedeclared()
    {
        // They come from the real mscorlib; a declaration would shadow the real one.
        foreach (string t in new[] { "System.SpanByte", "System.Threading.Thread", "System.Collections.ArrayList", "System.Console" })
        {
            Assert.Null(Declarations.Value.Assembly.GetTypeByMetadataName(t));
        }
    }
}
