using System;
using System.Diagnostics;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Shows training progress. On a terminal it redraws one line in place
/// (<c>Epoch 3/10 [#########-----] 45/100 loss 0.1234</c>); when output is redirected (CI logs) it
/// writes plain lines, at most one every <c>redirectedIntervalSeconds</c>. It refreshes every
/// <c>refreshRate</c> steps and reads the loss only when it refreshes, so it costs no device sync
/// on other steps. Refreshing formats into a reused buffer and allocates nothing.
/// </summary>
/// <remarks>
/// Spectre.Console's progress display wants to own the loop (its <c>Start</c> callback runs the
/// work), which does not fit a callback-driven trainer, so this is a small renderer of its own.
/// </remarks>
[Callback(Priority = -10, Ranks = CallbackRanks.Zero)]
public sealed partial class ProgressBar
{
    private readonly TextWriter _output;
    private readonly char[] _buffer = new char[256];
    private readonly long _redirectedInterval;
    private long _lastLine;
    private int _lastLength;
    private double _lastLoss = double.NaN;

    /// <summary>Creates the progress bar; every argument is checked now.</summary>
    /// <param name="refreshRate">Refresh every this many steps (at least 1).</param>
    /// <param name="output">Where to draw; default: the console.</param>
    /// <param name="interactive">Redraw in place; default: when the console output is not redirected.</param>
    /// <param name="showMetrics">Print the epoch's metrics at each epoch end.</param>
    /// <param name="redirectedIntervalSeconds">In redirected output, the least time between two lines (0 or more).</param>
    /// <param name="barWidth">Width of the bar in characters (5 to 100).</param>
    public ProgressBar(int refreshRate = 10, TextWriter? output = null, bool? interactive = null, bool showMetrics = true, double redirectedIntervalSeconds = 5, int barWidth = 30)
    {
        Monitoring.RequirePositive(refreshRate, nameof(refreshRate));
        if (!(redirectedIntervalSeconds >= 0) || !double.IsFinite(redirectedIntervalSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(redirectedIntervalSeconds), redirectedIntervalSeconds, $"redirectedIntervalSeconds must be 0 or more; it was {redirectedIntervalSeconds}.");
        }

        if (barWidth is < 5 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(barWidth), barWidth, $"barWidth must be between 5 and 100; it was {barWidth}.");
        }

        RefreshRate = refreshRate;
        _output = output ?? Console.Out;
        Interactive = interactive ?? (output is null && !Console.IsOutputRedirected);
        ShowMetrics = showMetrics;
        BarWidth = barWidth;
        _redirectedInterval = (long)(redirectedIntervalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Steps between refreshes.</summary>
    public int RefreshRate { get; }

    /// <summary>Whether the line is redrawn in place.</summary>
    public bool Interactive { get; }

    /// <summary>Whether epoch metrics are printed.</summary>
    public bool ShowMetrics { get; }

    /// <summary>Width of the bar.</summary>
    public int BarWidth { get; }

    /// <summary>How many times the bar was drawn.</summary>
    public long Refreshes { get; private set; }

    /// <summary>How many times the bar read the loss: at most once per <see cref="RefreshRate"/> steps.</summary>
    public long LossReads { get; private set; }

    [OnTrainEpochStart]
    private void EpochStart()
    {
        _lastLength = 0;
        _lastLine = long.MinValue;
    }

    [OnTrainBatchEnd]
    private void Step(TrainerContext context, in StepOutput output, int batchIndex)
    {
        int done = batchIndex + 1;
        bool due = done % RefreshRate == 0;
        if (!due && done != context.TrainBatchCount)
        {
            return;
        }

        if (!Interactive)
        {
            long now = Stopwatch.GetTimestamp();
            if (_lastLine != long.MinValue && now - _lastLine < _redirectedInterval)
            {
                return;
            }

            _lastLine = now;
        }

        Refreshes++;
        int length = 0;
        if (Interactive)
        {
            Append('\r', ref length);
        }

        Append("Epoch ", ref length);
        Append(context.Epoch + 1, ref length);
        Append('/', ref length);
        Append(context.MaxEpochs, ref length);
        int total = context.TrainBatchCount;
        if (total > 0)
        {
            Append(" [", ref length);
            int filled = (int)((long)BarWidth * Math.Min(done, total) / total);
            for (int i = 0; i < BarWidth; i++)
            {
                Append(i < filled ? '#' : '-', ref length);
            }

            Append("] ", ref length);
            Append(done, ref length);
            Append('/', ref length);
            Append(total, ref length);
        }
        else
        {
            Append(" step ", ref length);
            Append(done, ref length);
        }

        Append(" loss ", ref length);

        // The epoch's last batch completes the bar but shows the last loss read: reads stay at
        // one per refreshRate steps, each of which may be a device sync.
        if (due)
        {
            _lastLoss = output.Loss;
            LossReads++;
        }

        double loss = _lastLoss;
        if (!loss.TryFormat(_buffer.AsSpan(length), out int written, "F4", System.Globalization.CultureInfo.InvariantCulture))
        {
            written = 0;
        }

        length += written;
        if (Interactive)
        {
            // Blank out what a longer previous line left behind.
            int width = length;
            while (length < _lastLength && length < _buffer.Length)
            {
                Append(' ', ref length);
            }

            _lastLength = width;
        }
        else
        {
            Append('\n', ref length);
        }

        _output.Write(new ReadOnlySpan<char>(_buffer, 0, length));
    }

    [OnTrainEpochEnd]
    private void EpochEnd(int epoch, TrainerContext context, MetricsView metrics)
    {
        if (Interactive)
        {
            _output.WriteLine();
        }

        if (ShowMetrics)
        {
            _output.WriteLine($"Epoch {epoch + 1}/{context.MaxEpochs}: {metrics}");
        }
    }

    private void Append(char value, ref int length)
    {
        if (length < _buffer.Length)
        {
            _buffer[length++] = value;
        }
    }

    private void Append(string value, ref int length)
    {
        foreach (char c in value)
        {
            Append(c, ref length);
        }
    }

    private void Append(int value, ref int length)
    {
        if (value.TryFormat(_buffer.AsSpan(length), out int written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            length += written;
        }
    }
}
