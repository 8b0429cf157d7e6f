using Edge.Site.Inventory;
using Edge.Site.Staff;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Registry;

/// <summary>
/// What the registry is seeded from at start-up: <c>Registry:SeedFile</c> (a site file written by hand)
/// when set; otherwise the site the technician provisioned (<c>Site:Inventory</c>, the
/// <c>provision</c> CLI's <c>site.json</c>, and the staff accounts in <c>Site:StaffStore</c>), which
/// <c>provision init site</c> and <c>./edge install</c> both configure. The provisioning CLI stays the one
/// place a technician adds, replaces and retires sensors.
/// </summary>
public static class RegistrySeed
{
    /// <summary>The configured seed, or null when there is none (the registry keeps what the database holds).</summary>
    /// <exception cref="InvalidDataException">A configured file is missing or invalid; the message names it.</exception>
    public static SiteFile? Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[$"{RegistryOptions.SectionName}:SeedFile"] is { Length: > 0 } seed)
        {
            return SiteFile.Load(seed);
        }

        if (configuration["Site:Inventory"] is not { Length: > 0 } inventoryPath)
        {
            return null;
        }

        if (!File.Exists(inventoryPath))
        {
            throw new InvalidDataException($"Site:Inventory names {inventoryPath}, which does not exist (the provision CLI's site.json).");
        }

        var staffPath = configuration["Site:StaffStore"];
        var staff = staffPath is { Length: > 0 } && File.Exists(staffPath) ? StaffStore.Load(staffPath) : null;
        var site = FromInventory(SiteInventoryJson.Load(inventoryPath), staff);
        var errors = site.Validate();
        return errors.Count == 0 ? site
            : throw new InvalidDataException($"The provisioned site {inventoryPath} does not make a valid registry:\n  " + string.Join("\n  ", errors));
    }

    /// <summary>
    /// The registry view of a provisioned site: its units and rooms, its residents, the sensors in
    /// service (retired ones are left out) and the enabled staff-page accounts.
    /// </summary>
    public static SiteFile FromInventory(SiteInventory inventory, StaffStore? staff)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        return new SiteFile
        {
            Site = new SiteFile.SiteEntry { Id = inventory.SiteId, Name = inventory.SiteId },
            Units = [.. inventory.Rooms.Select(r => r.Unit).Distinct(StringComparer.Ordinal).Select(u => new SiteFile.UnitEntry { Id = u, Name = u })],
            Rooms = [.. inventory.Rooms.Select(r => new SiteFile.RoomEntry { Id = r.Name, Unit = r.Unit, Name = r.Name })],
            Residents = [.. inventory.Residents.Select(r => new SiteFile.ResidentEntry { Id = r.Id, Name = r.Name, Room = r.Room })],
            Devices = [.. inventory.ActiveDevices.Select(d => new SiteFile.DeviceEntry { Id = d.Id, Resident = d.ResidentId })],
            Staff = [.. (staff?.Accounts ?? []).Where(a => a.Enabled).Select(a => new SiteFile.StaffEntry
            {
                Id = a.Username,
                Name = a.Username,
                Role = a.Role == StaffRole.Administrator ? "administrator" : "carer",
            })],
        };
    }
}
