using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;

namespace DreamTrainer.Samples.Tests;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c> package, which ./test.sh installs) started
/// for one test on a loopback port with a temporary configuration and data folder, and stopped
/// (its process killed, its folder deleted) when disposed. It scrapes one loopback target.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    /// <summary>Starts Prometheus scraping <c>127.0.0.1:<paramref name="targetPort"/>/metrics</c> every 100 ms; throws (never skips) when it cannot.</summary>
    public static PrometheusServer Start(int targetPort)
    {
        string binary = FindOnPath("prometheus")
            ?? throw new InvalidOperationException("The prometheus binary is not on PATH. Install Debian's 'prometheus' package (./test.sh installs it: see its requirements array).");
        string directory = Path.Combine(Path.GetTempPath(), "dt-prometheus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        string config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 100ms
              scrape_timeout: 100ms
            scrape_configs:
              - job_name: dreamtrainer
                static_configs:
                  - targets: ['127.0.0.1:{targetPort}']
            """);
        int port = FreeLoopbackPort();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string argument in new[]
        {
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var server = new PrometheusServer(Process.Start(start)!, directory, port);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.WaitUntilReady(TimeSpan.FromSeconds(60));
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs an instant query through the HTTP API and returns its <c>data.result</c> array.</summary>
    public JsonArray Query(string promql)
    {
        string url = BaseUrl + "/api/v1/query?query=" + Uri.EscapeDataString(promql);
        JsonNode response = JsonNode.Parse(_http.GetStringAsync(url).GetAwaiter().GetResult())!;
        if (response["status"]?.GetValue<string>() != "success")
        {
            throw new InvalidOperationException($"Prometheus query '{promql}' failed: {response.ToJsonString()}");
        }

        return response["data"]!["result"]!.AsArray();
    }

    public string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // The data folder may still be in use for a moment; it is in the temp folder.
            }
        }
    }

    private void WaitUntilReady(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with code {_process.ExitCode} before it was ready:\n{Log()}");
            }

            try
            {
                if (_http.GetAsync(BaseUrl + "/-/ready").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"Prometheus was not ready at {BaseUrl} after {limit.TotalSeconds} s:\n{Log()}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(folder, name);
            if (folder.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
