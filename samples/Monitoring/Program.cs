using System;
using System.Globalization;
using System.Threading;
using DreamTrainer.Samples.Monitoring;

// dotnet run --project samples/Monitoring [-- --epochs 20 --port 9464 --linger 60 --run-name NAME --output DIR --log-every 10 --batch-size 32]
//   --port 0: no Prometheus endpoint (TensorBoard files only)
//   --linger S: keep serving metrics S seconds after training, so a scraper sees the final values
var options = new MonitoringOptions();
int port = 9464;
int linger = 0;
for (int i = 0; i < args.Length; i++)
{
    string? value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--epochs" when value is not null: options = options with { Epochs = int.Parse(value, CultureInfo.InvariantCulture) }; i++; break;
        case "--output" when value is not null: options = options with { OutputDirectory = value }; i++; break;
        case "--run-name" when value is not null: options = options with { RunName = value }; i++; break;
        case "--log-every" when value is not null: options = options with { LogEveryNSteps = int.Parse(value, CultureInfo.InvariantCulture) }; i++; break;
        case "--batch-size" when value is not null: options = options with { BatchSize = int.Parse(value, CultureInfo.InvariantCulture) }; i++; break;
        case "--port" when value is not null: port = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--linger" when value is not null: linger = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Monitoring [--epochs N] [--port P|0] [--linger S] [--run-name NAME] [--output DIR] [--log-every N] [--batch-size N]");
            return 2;
    }
}

using MetricsExporter? exporter = port > 0 ? MonitoringApp.StartExporter(port) : null;
if (exporter is not null)
{
    Console.WriteLine($"Prometheus can scrape {exporter.Endpoint.Url} (the DreamTrainer meter, through OpenTelemetry).");
}

MonitoringResult result = MonitoringApp.Train(options, Console.Out);
foreach (string line in MonitoringApp.WhereToLook(result, options, exporter?.Endpoint.Url))
{
    Console.WriteLine(line);
}

if (exporter is not null && linger > 0)
{
    Console.WriteLine($"Serving metrics for {linger} more seconds.");
    Thread.Sleep(TimeSpan.FromSeconds(linger));
}

return 0;
