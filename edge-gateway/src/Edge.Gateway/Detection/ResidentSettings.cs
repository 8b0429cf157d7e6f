using System.Globalization;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Detection;

/// <summary>Per-resident detection settings, audited.</summary>
public interface IResidentSettings
{
    /// <summary>
    /// Sets a resident's sensitivity (null: back to the model's operating point, 1). It must lie within
    /// the model card's bounds. The change and who made it are stored in <c>settings_audit</c>; the
    /// resident's detector picks it up with the next batch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside the model's bounds.</exception>
    /// <exception cref="KeyNotFoundException">Unknown resident.</exception>
    Task SetSensitivityAsync(string residentId, double? sensitivity, string actor, string channel, CancellationToken ct = default);
}

internal sealed partial class ResidentSettings(
    GatewayDatabase database,
    DeviceRegistry registry,
    IFallDetectorFactory detectors,
    TimeProvider time,
    ILogger<ResidentSettings> logger) : IResidentSettings
{
    public async Task SetSensitivityAsync(string residentId, double? sensitivity, string actor, string channel, CancellationToken ct = default)
    {
        if (sensitivity is { } s && (double.IsNaN(s) || s < detectors.MinSensitivity || s > detectors.MaxSensitivity))
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity,
                $"Sensitivity must be within the model card's bounds [{detectors.MinSensitivity}, {detectors.MaxSensitivity}].");
        }

        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                object? old;
                await using (var get = connection.CreateCommand())
                {
                    get.Transaction = tx;
                    get.CommandText = "SELECT sensitivity FROM residents WHERE id = $id AND active = 1";
                    get.Parameters.AddWithValue("$id", residentId);
                    await using var r = await get.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    if (!await r.ReadAsync(ct).ConfigureAwait(false))
                    {
                        throw new KeyNotFoundException($"Resident '{residentId}' is not in the registry.");
                    }

                    old = r.IsDBNull(0) ? null : r.GetDouble(0);
                }

                await using (var set = connection.CreateCommand())
                {
                    set.Transaction = tx;
                    set.CommandText = """
                        UPDATE residents SET sensitivity = $s WHERE id = $id;
                        INSERT INTO settings_audit(at, subject, setting, old_value, new_value, actor, channel)
                        VALUES ($at, $id, 'detection.sensitivity', $old, $new, $actor, $channel);
                        """;
                    set.Parameters.AddWithValue("$s", (object?)sensitivity ?? DBNull.Value);
                    set.Parameters.AddWithValue("$id", residentId);
                    set.Parameters.AddWithValue("$at", DbTime.ToText(time.GetUtcNow()));
                    set.Parameters.AddWithValue("$old", Text(old as double?));
                    set.Parameters.AddWithValue("$new", Text(sensitivity));
                    set.Parameters.AddWithValue("$actor", actor);
                    set.Parameters.AddWithValue("$channel", channel);
                    await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }

        Log.SensitivityChanged(logger, residentId, sensitivity ?? 1.0, actor, channel);
        await registry.ReloadAsync(ct).ConfigureAwait(false);
    }

    private static object Text(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : DBNull.Value;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SensitivityChanged, Level = LogLevel.Information, Message = "Detection sensitivity of resident {ResidentId} set to {Sensitivity} by {Actor} via {Channel}")]
        public static partial void SensitivityChanged(ILogger logger, string residentId, double sensitivity, string actor, string channel);
    }
}
