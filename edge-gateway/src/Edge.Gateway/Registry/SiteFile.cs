using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Protocol;

namespace Edge.Gateway.Registry;

/// <summary>
/// The site file: one site with its units, rooms, residents, staff and devices. Loaded by
/// <c>registry import FILE</c> or <see cref="RegistryOptions.SeedFile"/>.
/// </summary>
public sealed class SiteFile
{
    public SiteEntry Site { get; set; } = new();

    public List<UnitEntry> Units { get; set; } = [];

    public List<RoomEntry> Rooms { get; set; } = [];

    public List<ResidentEntry> Residents { get; set; } = [];

    public List<StaffEntry> Staff { get; set; } = [];

    public List<DeviceEntry> Devices { get; set; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and validates a site file; throws <see cref="InvalidDataException"/> listing every problem.</summary>
    public static SiteFile Load(string path)
    {
        SiteFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<SiteFile>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Site file {path} is not valid JSON: {e.Message}", e);
        }

        if (file is null)
        {
            throw new InvalidDataException($"Site file {path} is empty.");
        }

        var errors = file.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"Site file {path} has {errors.Count} problem(s):\n  " + string.Join("\n  ", errors));
        }

        return file;
    }

    /// <summary>Every problem with the file (empty when it is valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!WireFormat.IsValidId(Site.Id))
        {
            errors.Add($"site.id '{Site.Id}' must be 1-32 characters of A-Z a-z 0-9 - _.");
        }

        var units = Unique("units", Units.Select(u => u.Id), errors);
        var rooms = Unique("rooms", Rooms.Select(r => r.Id), errors);
        var residents = Unique("residents", Residents.Select(r => r.Id), errors);
        Unique("staff", Staff.Select(s => s.Id), errors);
        Unique("devices", Devices.Select(d => d.Id), errors);

        foreach (var room in Rooms.Where(r => !units.Contains(r.Unit)))
        {
            errors.Add($"room '{room.Id}' names unit '{room.Unit}', which is not in units.");
        }

        foreach (var resident in Residents.Where(r => r.Room is not null && !rooms.Contains(r.Room)))
        {
            errors.Add($"resident '{resident.Id}' names room '{resident.Room}', which is not in rooms.");
        }

        foreach (var device in Devices)
        {
            if (!WireFormat.IsValidId(device.Id))
            {
                errors.Add($"device id '{device.Id}' must be 1-32 characters of A-Z a-z 0-9 - _.");
            }

            if (device.Resident is not null && !residents.Contains(device.Resident))
            {
                errors.Add($"device '{device.Id}' names resident '{device.Resident}', which is not in residents.");
            }
        }

        foreach (var group in Devices.Where(d => d.Resident is not null).GroupBy(d => d.Resident).Where(g => g.Count() > 1))
        {
            errors.Add($"resident '{group.Key}' has {group.Count()} devices ({string.Join(", ", group.Select(d => d.Id))}); one worn sensor per resident.");
        }

        return errors;
    }

    private static HashSet<string> Unique(string what, IEnumerable<string> ids, List<string> errors)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add($"{what}: an entry has no id.");
            }
            else if (!set.Add(id))
            {
                errors.Add($"{what}: id '{id}' appears more than once.");
            }
        }

        return set;
    }

    public sealed class SiteEntry
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";
    }

    public sealed class UnitEntry
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";
    }

    public sealed class RoomEntry
    {
        public string Id { get; set; } = "";

        public string Unit { get; set; } = "";

        public string Name { get; set; } = "";
    }

    public sealed class ResidentEntry
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string? Room { get; set; }

        /// <summary>Optional detection sensitivity; must lie within the model manifest's bounds (checked at start-up).</summary>
        public double? Sensitivity { get; set; }
    }

    public sealed class StaffEntry
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string Role { get; set; } = "carer";
    }

    public sealed class DeviceEntry
    {
        public string Id { get; set; } = "";

        /// <summary>The resident who wears it; null for a spare (spares are not processed).</summary>
        public string? Resident { get; set; }
    }
}
