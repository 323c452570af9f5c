using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using DreamTrainer.TensorBoard;
using DreamTrainer.TensorBoard.Proto;

namespace DreamTrainer;

/// <summary>
/// Writes scalars to a TensorBoard event file (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;</c>)
/// in the run folder, <c>runs/&lt;run name&gt;</c> by default (<see cref="TrainerOptions.RunName"/>):
/// open it with <c>tensorboard --logdir runs</c>.
/// </summary>
/// <remarks>
/// <para>Every <c>logEveryNSteps</c> training steps: <c>step/loss</c> (reading the loss, so one
/// device sync per write on a GPU) and <c>step/lr-pg&lt;group&gt;</c> for each parameter group. At
/// each epoch end: every metric of the epoch under its own name (<c>loss</c>, <c>val_loss</c>,
/// <c>lr</c>, … — the names of the JSON and CSV logs) and <c>epoch</c> (counting from 1). The x-axis
/// of every scalar is the global step (training steps completed), as in Lightning.</para>
/// <para>The file is flushed at every epoch end, every <c>flushSeconds</c> while steps are written,
/// and at the end of the run whatever the outcome (also when training fails). A resumed run writes
/// a new file that starts with TensorBoard's session-start marker at the first resumed step, so
/// points an interrupted run wrote after its checkpoint are hidden. Writing allocates nothing per
/// step, also on the steps that write. Nothing is written outside the run folder.</para>
/// </remarks>
[Callback(Priority = -50, Ranks = CallbackRanks.Zero)]
public sealed partial class TensorBoardLogger
{
    /// <summary>The folder that holds run folders when no log directory is given.</summary>
    public const string DefaultRoot = "runs";

    private const string StepLossTag = "step/loss";
    private const string EpochTag = "epoch";

    private readonly Event _event = new();
    private readonly Summary _summary = new();
    private readonly List<Summary.Types.Value> _values = new();
    private readonly long _flushInterval;
    private string[] _rateTags = Array.Empty<string>();
    private EventFileWriter? _writer;
    private long _lastFlush;

    /// <summary>Creates the logger; every argument is checked now.</summary>
    /// <param name="logDirectory">The run folder; default: <c>runs/&lt;run name&gt;</c> under the current directory.</param>
    /// <param name="logEveryNSteps">Write step scalars every this many training steps (0: only epoch scalars). Default 50, as Lightning.</param>
    /// <param name="flushSeconds">While step scalars are written, flush at least this often (seconds, more than 0). Default 120, as PyTorch's SummaryWriter.</param>
    /// <exception cref="ArgumentException"><paramref name="logDirectory"/> is blank, not a valid path, or an existing file.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="logEveryNSteps"/> is negative or <paramref name="flushSeconds"/> is not a positive number.</exception>
    public TensorBoardLogger(string? logDirectory = null, int logEveryNSteps = 50, double flushSeconds = 120)
    {
        if (logDirectory is not null)
        {
            LogDirectory = RequireDirectory(logDirectory);
        }

        Monitoring.RequireNonNegative(logEveryNSteps, nameof(logEveryNSteps));
        if (!(flushSeconds > 0) || !double.IsFinite(flushSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(flushSeconds), flushSeconds, $"flushSeconds must be a positive number of seconds; it was {flushSeconds.ToString(CultureInfo.InvariantCulture)}.");
        }

        LogEveryNSteps = logEveryNSteps;
        FlushSeconds = flushSeconds;
        _flushInterval = (long)(flushSeconds * Stopwatch.Frequency);
        _event.Summary = _summary;
    }

    /// <summary>The run folder given to the constructor (full path), or null for <c>runs/&lt;run name&gt;</c>.</summary>
    public string? LogDirectory { get; }

    /// <summary>Steps between step scalars (0: none).</summary>
    public int LogEveryNSteps { get; }

    /// <summary>The longest time step scalars stay buffered, in seconds.</summary>
    public double FlushSeconds { get; }

    /// <summary>The event file of the current (or last) run; null before the first run.</summary>
    public string? FilePath { get; private set; }

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        Close();
        string directory = LogDirectory ?? Path.GetFullPath(Path.Combine(DefaultRoot, context.RunName));
        _writer = EventFileWriter.Create(directory, DateTimeOffset.UtcNow, HostName());
        FilePath = _writer.Path;

        var header = new Event { WallTime = WallTime(), FileVersion = EventFileWriter.FileVersion };
        _writer.Write(header);
        if (context.IsResumed)
        {
            // The checkpoint's own epoch-end points are at GlobalStep; the resumed run writes from the next step on.
            var start = new Event { WallTime = WallTime(), Step = context.GlobalStep + 1, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start } };
            _writer.Write(start);
        }

        // Tags are built once, so writes allocate nothing afterwards.
        _rateTags = new string[context.ParameterGroupCount];
        for (int group = 0; group < _rateTags.Length; group++)
        {
            _rateTags[group] = "step/lr-pg" + group.ToString(CultureInfo.InvariantCulture);
        }

        Flush(toDisk: false);
    }

    [OnTrainBatchEnd]
    private void Step(TrainerContext context, in StepOutput output, long globalStep)
    {
        if (LogEveryNSteps == 0 || (globalStep + 1) % LogEveryNSteps != 0 || _writer is null)
        {
            return;
        }

        int count = 0;
        Add(ref count, StepLossTag, output.Loss);
        for (int group = 0; group < _rateTags.Length; group++)
        {
            Add(ref count, _rateTags[group], context.GetLearningRate(group));
        }

        WriteSummary(count, globalStep + 1);
        if (Stopwatch.GetTimestamp() - _lastFlush >= _flushInterval)
        {
            Flush(toDisk: false);
        }
    }

    [OnTrainEpochEnd]
    private void Epoch(TrainerContext context, int epoch, MetricsView metrics)
    {
        if (_writer is null)
        {
            return;
        }

        int count = 0;
        if (!metrics.Contains(EpochTag))
        {
            Add(ref count, EpochTag, epoch + 1);
        }

        foreach (KeyValuePair<string, double> metric in metrics)
        {
            Add(ref count, metric.Key, metric.Value);
        }

        WriteSummary(count, context.GlobalStep);
        Flush(toDisk: false);
    }

    [OnTrainEnd]
    private void End() => Close();

    private void Add(ref int count, string tag, double value)
    {
        if (count == _values.Count)
        {
#pragma warning disable DT0401 // The pool grows only until it holds the largest summary; later writes reuse it.
            _values.Add(new Summary.Types.Value());
#pragma warning restore DT0401
        }

        Summary.Types.Value item = _values[count++];
        item.Tag = tag;
        item.SimpleValue = (float)value;
    }

    private void WriteSummary(int count, long step)
    {
        _summary.Value.Clear();
        for (int i = 0; i < count; i++)
        {
            _summary.Value.Add(_values[i]);
        }

        _event.WallTime = WallTime();
        _event.Step = step;
        _writer!.Write(_event);
    }

    private void Flush(bool toDisk)
    {
        _writer!.Flush(toDisk);
        _lastFlush = Stopwatch.GetTimestamp();
    }

    private void Close()
    {
        EventFileWriter? writer = _writer;
        _writer = null;
        writer?.Dispose();
    }

    private static double WallTime() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    private static string HostName()
    {
        string host = System.Net.Dns.GetHostName();
        char[] invalid = Path.GetInvalidFileNameChars();
        char[] safe = host.ToCharArray();
        for (int i = 0; i < safe.Length; i++)
        {
            if (Array.IndexOf(invalid, safe[i]) >= 0 || char.IsWhiteSpace(safe[i]))
            {
                safe[i] = '_';
            }
        }

        return safe.Length == 0 ? "localhost" : new string(safe);
    }

    private static string RequireDirectory(string logDirectory)
    {
        if (string.IsNullOrWhiteSpace(logDirectory) || logDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            throw new ArgumentException($"logDirectory must be a folder path; it was '{logDirectory}'.", nameof(logDirectory));
        }

        string full = Path.GetFullPath(logDirectory);
        if (File.Exists(full))
        {
            throw new ArgumentException($"logDirectory must be a folder, but '{full}' is a file.", nameof(logDirectory));
        }

        return full;
    }
}
