using System;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OpenTelemetry.Metrics;

namespace DreamTrainer.Samples.Monitoring;

/// <summary>
/// Serves <c>GET /metrics</c> on <c>http://127.0.0.1:&lt;port&gt;/</c> (the loopback interface only)
/// for Prometheus to scrape: each request collects the OpenTelemetry reader and returns what
/// <see cref="PrometheusTextExporter"/> rendered.
/// </summary>
public sealed class PrometheusEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly PrometheusTextExporter _exporter;
    private readonly object _collecting = new();
    private readonly Task _serving;
    private long _scrapes;

    /// <summary>Starts serving.</summary>
    /// <param name="port">The loopback port (1 to 65535).</param>
    /// <param name="reader">The reader registered with the meter provider (it wires <paramref name="exporter"/>'s collect delegate).</param>
    /// <param name="exporter">The reader's exporter.</param>
    public PrometheusEndpoint(int port, MetricReader reader, PrometheusTextExporter exporter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentNullException.ThrowIfNull(reader);
        _exporter = exporter;
        Url = $"http://127.0.0.1:{port}/metrics";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The scrape URL.</summary>
    public string Url { get; }

    /// <summary>How many scrapes have been answered.</summary>
    public long Scrapes => Interlocked.Read(ref _scrapes);

    /// <summary>Stops serving.</summary>
    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending request; nothing is left to serve.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Closed.
            }

            using HttpListenerResponse response = context.Response;
            if (context.Request.HttpMethod != "GET" || context.Request.Url?.AbsolutePath != "/metrics")
            {
                response.StatusCode = 404;
                continue;
            }

            string text;
            lock (_collecting)
            {
                text = _exporter.Collect is { } collect && collect(Timeout.Infinite) ? _exporter.Text : string.Empty;
            }

            byte[] body = Encoding.UTF8.GetBytes(text);
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            Interlocked.Increment(ref _scrapes);
        }
    }
}
