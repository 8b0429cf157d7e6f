using Edge.Uplink;
using Edge.Uplink.Delivery;
using Edge.Uplink.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// usage: Edge.Uplink.ChildProcess --db PATH [--Uplink:Key value ...]
// Runs the uplink sender over the outbox in PATH until the outbox is empty, printing progress lines.
var db = args[Array.IndexOf(args, "--db") + 1];
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<IOutboxConnectionFactory>(new SqliteFileConnectionFactory(db));
builder.AddUplink();
using var host = builder.Build();
await host.StartAsync();
var status = host.Services.GetRequiredService<UplinkStatus>();
Console.WriteLine("started");
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var drained = await status.WaitForAsync(s => s.Delivered > 0 && s.Backlog == 0, lifetime.ApplicationStopping);
Console.WriteLine($"drained delivered={drained.Delivered} duplicates={drained.Duplicates}");
await host.StopAsync();
return 0;
