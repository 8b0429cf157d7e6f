using Edge.Cloud.Api;
using Edge.Cloud.Api.Admin;

if (args.Length > 0 && args[0] == "admin")
{
    var configuration = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();
    return await AdminCli.RunAsync(args[1..], configuration, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddCloudIngest();
var app = builder.Build();
app.MapCloudIngest();
await app.RunAsync();
return 0;

/// <summary>Entry point; public for WebApplicationFactory.</summary>
public partial class Program;
