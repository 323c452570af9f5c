using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DreamTrainer;

/// <summary>
/// What every hook receives: read access to the run (epoch, step, metrics, model, optimizer,
/// learning rates) and the <em>sanctioned controls</em> — the members marked
/// <see cref="TrainerControlAttribute"/> — through which a callback may change it. The analyzers
/// report any other write that reaches trainer state (DT0201).
/// </summary>
public sealed partial class TrainerContext
{
    private readonly MetricsStore _metrics;
    private readonly List<CallbackError> _errors = new();
    private readonly List<string> _stopReasons = new();
    private readonly List<Exception> _deferredFailures = new();
    private readonly List<string> _warnings = new();
    private readonly ILearningRateControl? _learningRates;
    private readonly ITrainingDiagnostics? _diagnostics;
    private readonly Dictionary<string, MonitorMode> _directions = new(StringComparer.Ordinal);
    private string[] _rateNames = Array.Empty<string>();
    private string[] _momentumNames = Array.Empty<string>();
    private readonly IProcessGroup _processGroup = SingleProcessGroup.Instance;
    private readonly int _rank;
    private readonly int _worldSize = 1;

    internal TrainerContext(
        TrainerOptions options,
        object? model,
        object? optimizer,
        ILearningRateControl? learningRates,
        IModelStateControl? modelState,
        CancellationToken cancellationToken,
        ITrainingDiagnostics? diagnostics = null,
        IReadOnlyDictionary<string, MonitorMode>? metricDirections = null)
    {
        _diagnostics = diagnostics;
        Options = options;
        Model = model;
        Optimizer = optimizer;
        _learningRates = learningRates;
        ModelState = modelState;
        CancellationToken = cancellationToken;
        Logger = options.Logger ?? NullLogger.Instance;
        RunName = options.RunName ?? TrainerOptions.DefaultRunName(DateTime.Now);
        _metrics = new MetricsStore();
        TrainLoss = new LossCell();
        ValidationLoss = new LossCell();
        Files = RunFiles.For(options.WriteFilesInBackground);
        if (metricDirections is not null)
        {
            foreach (KeyValuePair<string, MonitorMode> direction in metricDirections)
            {
                DeclareDirection(direction.Key, direction.Value, "ITrainingModule.MetricDirections");
            }
        }
    }

    /// <summary>The run's file writes: at once, or in the background in order (<see cref="TrainerOptions.WriteFilesInBackground"/>).</summary>
    internal RunFiles Files { get; }

    /// <summary>The run's name (<see cref="TrainerOptions.RunName"/>, or the default made when the run started).</summary>
    public string RunName { get; }

    /// <summary>This process's rank in a data-parallel run, from 0 (0 in a single process).</summary>
    public int Rank => _rank;

    /// <summary>The number of ranks training together (1 in a single process).</summary>
    public int WorldSize => _worldSize;

    /// <summary>True on rank 0, the rank that writes files and prints (Lightning's <c>trainer.is_global_zero</c>).</summary>
    public bool IsGlobalZero => _rank == 0;

    /// <summary>The index of the current epoch, from 0 (code index; people read <see cref="EpochNumber"/>).</summary>
    public int Epoch { get; internal set; }

    /// <summary>The current epoch as people count it, from 1: what messages, logs and file names show.</summary>
    public int EpochNumber => Epoch + 1;

    /// <summary>The index of the current batch within the epoch (training or validation), from 0.</summary>
    public int BatchIndex { get; internal set; }

    /// <summary>The number of training steps completed so far.</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>The number of training batches per epoch, when the data says (a collection) and after <see cref="TrainerOptions.LimitTrainBatches"/>; -1 when unknown.</summary>
    public int TrainBatchCount { get; internal set; } = -1;

    /// <summary>True when this run resumed from a checkpoint (callbacks keep their loaded state instead of resetting).</summary>
    public bool IsResumed { get; internal set; }

    /// <summary>True when the current epoch runs (or ran) a validation pass, so <c>val_*</c> metrics are expected.</summary>
    public bool IsValidationEpoch { get; internal set; }

    /// <summary>True when the run was given validation data.</summary>
    public bool HasValidationData { get; internal set; }

    /// <summary>True when a stop was requested with <c>immediately: true</c>: the current epoch ends without validation or epoch-end hooks.</summary>
    public bool ImmediateStopRequested { get; private set; }

    /// <summary>True when the engine can snapshot and restore weights (restore-best-weights).</summary>
    public bool CanSnapshotWeights => ModelState is not null;

    /// <summary>How many epochs have run to their end (a resumed run starts here).</summary>
    public int EpochsCompleted { get; internal set; }

    /// <summary>The epoch budget of the run.</summary>
    public int MaxEpochs => Options.MaxEpochs;

    /// <summary>The epochs the run trains at least, whatever stop is requested (<see cref="TrainerOptions.MinEpochs"/>).</summary>
    public int MinEpochs => Options.MinEpochs;

    /// <summary>The steps the run trains at least, whatever stop is requested (<see cref="TrainerOptions.MinSteps"/>).</summary>
    public long MinSteps => Options.MinSteps;

    /// <summary>The step budget of the run (-1: none).</summary>
    public long MaxSteps => Options.MaxSteps;

    /// <summary>Where the trainer is.</summary>
    public TrainerPhase Phase { get; internal set; }

    /// <summary>The current epoch's metrics.</summary>
    public MetricsView Metrics => new(_metrics);

    /// <summary>The model object (read it; change it only through the controls). A hook can also bind it typed: <c>MyNet model</c>.</summary>
    public object? Model { get; internal set; }

    /// <summary>The optimizer object (read it; change the learning rate through <see cref="SetLearningRate(double)"/>). A hook can also bind it typed: <c>Sgd optimizer</c>.</summary>
    public object? Optimizer { get; internal set; }

    /// <summary>
    /// While <see cref="Hook.Exception"/> and <see cref="Hook.TrainEnd"/> run after a callback threw:
    /// the exception Fit will throw, naming the callback (<see cref="CallbackException.CallbackType"/>,
    /// <see cref="CallbackException.StateKey"/>) and the hook, with the original as its inner exception
    /// (the one <c>OnException</c> receives). Null when the step itself failed, or nothing did.
    /// </summary>
    public CallbackException? CallbackFailure { get; internal set; }

    /// <summary>The run's current batch, for generated code binding <c>batch</c>; not for hand use.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public BatchSlot? BatchSlot { get; internal set; }

    /// <summary>True when the engine exposes learning rates (<see cref="ILearningRateControl"/>).</summary>
    public bool HasLearningRate => _learningRates is not null;

    /// <summary>The number of optimizer parameter groups (0 without a learning-rate seam).</summary>
    public int ParameterGroupCount => _learningRates?.GroupCount ?? 0;

    /// <summary>The learning rate of parameter group 0, or NaN without a learning-rate seam.</summary>
    public double LearningRate => _learningRates is { } lr ? lr.GetLearningRate(0) : double.NaN;

    /// <summary>The part of the current epoch done (for checkpoints written inside an epoch).</summary>
    internal EpochProgress Progress { get; } = new();

    /// <summary>True once every callback's OnTrainStart has run: a run that fails before has trained nothing and must not rewrite the artifacts of the run it resumes.</summary>
    internal bool TrainingStarted { get; set; }

    /// <summary>The limits of checkpoint reads (<see cref="TrainerOptions.CheckpointReadLimits"/>).</summary>
    internal CheckpointReadLimits ReadLimits => Options.CheckpointReadLimits ?? CheckpointReadLimits.Default;

    /// <summary>True once a callback has requested a stop; stop requests are OR-combined.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>The reason given with the first stop request, or null.</summary>
    public string? StopReason => _stopReasons.Count > 0 ? _stopReasons[0] : null;

    /// <summary>Every stop reason given, in order.</summary>
    public IReadOnlyList<string> StopReasons => _stopReasons;

    /// <summary>True when a checkpoint has been requested and not yet written.</summary>
    public bool CheckpointRequested { get; internal set; }

    /// <summary>Failures that did not stop training: isolated callbacks and <see cref="ReportError"/>.</summary>
    public IReadOnlyList<CallbackError> Errors => _errors;

    /// <summary>Warnings the run produced (resume mismatches, …), also sent to the logger.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>How many times a step's loss was fetched from the engine (each may be a device sync).</summary>
    public long ScalarReads => TrainLoss.Reads + ValidationLoss.Reads;

    /// <summary>The token passed to Fit.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The run's logger (<see cref="TrainerOptions.Logger"/>; a null logger by default).</summary>
    public ILogger Logger { get; }

    internal TrainerOptions Options { get; }

    /// <summary>The checkpoint this run resumed from (full path), or null.</summary>
    internal string? ResumePath { get; set; }

    /// <summary>True when a requested stop may take effect: <see cref="MinEpochs"/> and <see cref="MinSteps"/> are met (Lightning's <c>_can_stop_early</c>).</summary>
    internal bool CanStopEarly => EpochsCompleted >= Options.MinEpochs && GlobalStep >= Options.MinSteps;
    /// <summary>The ranks of the run (the module's process group).</summary>
    internal IProcessGroup ProcessGroup
    {
        get => _processGroup;
        init
        {
            _processGroup = value;
            _rank = value.Rank;
            _worldSize = value.WorldSize;
        }
    }

    internal IModelStateControl? ModelState { get; }

    internal ILearningRateControl? LearningRates => _learningRates;

    /// <summary>The run's dispatcher (set by the trainer), for checkpoints written by callbacks.</summary>
    internal ICallbackDispatcher? Callbacks { get; set; }

    internal LossCell TrainLoss { get; }

    internal LossCell ValidationLoss { get; }

    internal MetricsStore MetricsStore => _metrics;

    /// <summary>
    /// Asks the trainer to stop after the current step. By default the epoch still finishes its
    /// validation and end hooks, as in Keras; with <paramref name="immediately"/> it ends at once
    /// (no validation, no epoch end), for a run whose weights are no longer worth evaluating
    /// (a NaN loss).
    /// </summary>
    /// <param name="reason">Why, for the log and <see cref="TrainResult.StopReason"/>.</param>
    /// <param name="immediately">Skip the rest of the epoch's hooks.</param>
    [TrainerControl]
    public void RequestStop(string reason, bool immediately = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        StopRequested = true;
        ImmediateStopRequested |= immediately;
        _stopReasons.Add(reason);
        Logger.LogInformation("Stop requested in epoch {Epoch}, after step {Step}: {Reason}", Epoch + 1, GlobalStep, reason);
    }

    /// <summary>
    /// Takes on a stop rank <paramref name="rank"/> requested: in a data-parallel run every rank
    /// stops at the same step. A rank that asked itself keeps its own reason.
    /// </summary>
    internal void AdoptStop(string reason, int rank, bool immediately)
    {
        if (!StopRequested)
        {
            StopRequested = true;
            _stopReasons.Add(reason);
            Logger.LogInformation("Stop requested on rank {Rank} in epoch {Epoch}, after step {Step}: {Reason}", rank, Epoch + 1, GlobalStep, reason);
        }

        ImmediateStopRequested |= immediately;
    }

    /// <summary>
    /// Declares whether <paramref name="name"/> gets better going down (<see cref="MonitorMode.Min"/>)
    /// or up (<see cref="MonitorMode.Max"/>), so callbacks with <see cref="MonitorMode.Auto"/> can
    /// watch it (Keras 3 reads this from the metric object). A declaration of <c>acc</c> also
    /// covers <c>val_acc</c>. Declare in <c>OnTrainStart</c>, before the first epoch ends.
    /// </summary>
    /// <param name="name">The metric name.</param>
    /// <param name="direction">Min or Max.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="direction"/> is Auto or undefined.</exception>
    [TrainerControl]
    public void DeclareMetricDirection(string name, MonitorMode direction) => DeclareDirection(name, direction, nameof(direction));

    /// <summary>Logs a metric for this epoch.</summary>
    /// <param name="name">The metric name (validation metrics by convention start with <c>val_</c>).</param>
    /// <param name="value">The value.</param>
    /// <param name="reduction">Keep the last value, or the epoch mean.</param>
    [TrainerControl]
    public void Log(string name, double value, MetricReduction reduction = MetricReduction.Last) => _metrics.Log(name, value, reduction);

    /// <summary>Asks the trainer to write a checkpoint into <see cref="TrainerOptions.CheckpointDirectory"/> at the end of the current step.</summary>
    /// <exception cref="InvalidOperationException">No checkpoint directory is configured.</exception>
    [TrainerControl]
    public void RequestCheckpoint()
    {
        if (Options.CheckpointDirectory is null)
        {
            throw new InvalidOperationException("RequestCheckpoint needs TrainerOptions.CheckpointDirectory; it is null.");
        }

        CheckpointRequested = true;
    }

    /// <summary>
    /// Writes a checkpoint of the run to <paramref name="path"/> now, atomically (model, counters,
    /// learning rates, every callback's state). In a data-parallel run only rank 0 writes (the
    /// ranks' weights are the same); the other ranks pass the trainer's next synchronisation point
    /// only once it is written.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="InvalidOperationException">The context is not part of a run.</exception>
    [TrainerControl]
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SaveCheckpoint(null, path);
    }

    /// <summary>
    /// Writes one checkpoint to <paramref name="first"/> (when not null), then the same to
    /// <paramref name="then"/>: taken once (a top-k checkpoint and last.ckpt of the same step).
    /// </summary>
    internal void SaveCheckpoint(string? first, string then)
    {
        ICallbackDispatcher callbacks = Callbacks ?? throw new InvalidOperationException("SaveCheckpoint needs a running trainer.");
        if (IsGlobalZero)
        {
            CheckpointFile.Write(first is null ? new[] { then } : new[] { first, then }, this, callbacks);
        }
    }

    /// <summary>Copies the current weights into memory through the engine's <see cref="IModelStateControl"/>.</summary>
    /// <returns>An opaque snapshot for <see cref="RestoreWeights"/>.</returns>
    /// <exception cref="InvalidOperationException">The engine exposes no model state.</exception>
    public object CreateWeightsSnapshot() => RequireModelState().CreateSnapshot();

    /// <summary>Restores weights from a snapshot made by <see cref="CreateWeightsSnapshot"/> (restore-best-weights).</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <exception cref="InvalidOperationException">The engine exposes no model state.</exception>
    [TrainerControl]
    public void RestoreWeights(object snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        RequireModelState().Restore(snapshot);
    }

    /// <summary>The gradient norm of the last step, when the engine computes it.</summary>
    /// <param name="norm">The norm, or NaN.</param>
    /// <returns>False when unavailable.</returns>
    public bool TryGetGradientNorm(out double norm)
    {
        norm = double.NaN;
        return _diagnostics is { } diagnostics && diagnostics.TryGetGradientNorm(out norm);
    }

    /// <summary>The parameter norm, when the engine computes it.</summary>
    /// <param name="norm">The norm, or NaN.</param>
    /// <returns>False when unavailable.</returns>
    public bool TryGetParameterNorm(out double norm)
    {
        norm = double.NaN;
        return _diagnostics is { } diagnostics && diagnostics.TryGetParameterNorm(out norm);
    }

    /// <summary>
    /// Reports a failure the callback handled: it is logged, counted in the <c>callback_errors</c>
    /// metric and listed in <see cref="Errors"/>, and training goes on. The sanctioned alternative to
    /// swallowing an exception.
    /// </summary>
    /// <param name="exception">The failure.</param>
    [TrainerControl]
    public void ReportError(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Record(new CallbackError("reported", null, exception, Epoch, GlobalStep));
    }

    internal void ReportIsolatedFailure(ICallback callback, Hook hook, Exception exception) =>
        Record(new CallbackError(CallbackCollection.Describe(callback), hook, exception, Epoch, GlobalStep));

    internal void DeferFailure(Exception exception) => _deferredFailures.Add(exception);

    /// <summary>The stop requests a checkpoint recorded (a resumed run honours them as the interrupted one would have).</summary>
    internal void RestoreStop(IReadOnlyList<string> reasons, bool immediately)
    {
        _stopReasons.Clear();
        _stopReasons.AddRange(reasons);
        StopRequested = reasons.Count > 0;
        ImmediateStopRequested = StopRequested && immediately;
    }

    /// <summary>Writes the checkpoint a callback asked for with <see cref="RequestCheckpoint"/>, if any, on rank 0; returns the path written (null when none was).</summary>
    internal string? WriteRequestedCheckpoint()
    {
        if (!CheckpointRequested || Callbacks is not { } callbacks)
        {
            return null;
        }

        CheckpointRequested = false;
        if (!IsGlobalZero)
        {
            // Rank 0 writes; the others wait for it (the loop's rank sync).
            return null;
        }

        string path = System.IO.Path.Combine(Options.CheckpointDirectory!, $"requested-epoch{Epoch + 1}-step{GlobalStep}.ckpt");
        CheckpointFile.Write(path, this, callbacks);
        return path;
    }

    internal List<Exception> TakeDeferredFailures()
    {
        var taken = new List<Exception>(_deferredFailures);
        _deferredFailures.Clear();
        return taken;
    }

    /// <summary>The declared (or built-in) direction of <paramref name="name"/>, or null when nothing says.</summary>
    internal MonitorMode? ResolveDirection(string name)
    {
        if (_directions.TryGetValue(name, out MonitorMode declared))
        {
            return declared;
        }

        string stripped = name.StartsWith("val_", StringComparison.Ordinal) ? name.Substring(4) : name;
        if (_directions.TryGetValue(stripped, out declared))
        {
            return declared;
        }

        return stripped switch
        {
            "loss" => MonitorMode.Min,
            "epoch" or "step" when stripped == name => MonitorMode.Max,
            _ => null,
        };
    }

    internal void Warn(string message)
    {
        _warnings.Add(message);
        Logger.LogWarning("{Warning}", message);
    }

    private void Record(CallbackError error)
    {
        _errors.Add(error);
        _metrics.Log("callback_errors", _errors.Count, MetricReduction.Last);
        Logger.LogError(error.Exception, "Callback failure (training continues): {Error}", error.ToString());
    }

    private void DeclareDirection(string name, MonitorMode direction, string parameter)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"A metric name must not be empty or white space; it was '{name}'.", nameof(name));
        }

        if (direction is not MonitorMode.Min and not MonitorMode.Max)
        {
            throw new ArgumentOutOfRangeException(parameter, direction, $"The direction of '{name}' must be MonitorMode.Min or MonitorMode.Max; it was {direction}.");
        }

        _directions[name] = direction;
    }

    private IModelStateControl RequireModelState() =>
        ModelState ?? throw new InvalidOperationException(
            "The module exposes no model state: implement IModelStateControl on it or return one from ITrainingModule.ModelState.");

}
