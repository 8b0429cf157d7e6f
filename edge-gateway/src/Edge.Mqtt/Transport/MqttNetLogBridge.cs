using System.Globalization;
using Edge.Logging;
using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;

namespace Edge.Mqtt.Transport;

/// <summary>
/// MQTTnet's internal log, at Debug (and Trace for its verbose lines) only: it reports every refused
/// connect and dropped socket as a warning or error, while <see cref="MqttNetClient"/> logs each of
/// those once, with its own event id and the level it deserves.
/// </summary>
internal sealed partial class MqttNetLogBridge(ILogger logger, string clientId) : IMqttNetLogger
{
    public bool IsEnabled => logger.IsEnabled(LogLevel.Debug);

    public void Publish(MqttNetLogLevel level, string source, string message, object[] parameters, Exception exception)
    {
        var target = level == MqttNetLogLevel.Verbose ? LogLevel.Trace : LogLevel.Debug;
        if (!logger.IsEnabled(target))
        {
            return;
        }

        var text = parameters is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, message, parameters) : message;
        Log.Library(logger, target, clientId, source, text, exception);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.MqttLibraryLog, Message = "MQTTnet ({ClientId}) {Source}: {Text}")]
        public static partial void Library(ILogger logger, LogLevel level, string clientId, string source, string text, Exception? exception);
    }
}
