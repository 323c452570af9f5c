using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace DreamTrainer;

/// <summary>
/// The training loop. It runs the module's steps over the data and calls every hook in the
/// documented order through one <see cref="ICallbackDispatcher"/> — a <see cref="CallbackCollection"/>
/// or a generated <c>[CallbackPipeline]</c>.
/// </summary>
/// <remarks>
/// <para>Order per run: TrainStart; per epoch: TrainEpochStart, (TrainBatchStart, step,
/// TrainBatchEnd) per batch, then — every <see cref="TrainerOptions.ValidateEveryNEpochs"/> epochs —
/// ValidationStart, ValidationEpochStart, (ValidationBatchStart, step, ValidationBatchEnd) per batch,
/// ValidationEpochEnd, ValidationEnd (or that pass after every
/// <see cref="TrainerOptions.ValidateEveryNSteps"/> steps instead); then TrainEpochEnd with
/// <c>loss</c>, <c>val_*</c> and <c>lr</c> in the metrics (Keras order); finally TrainEnd, always.
/// Epoch means (<c>loss</c>, <c>val_loss</c>, metrics logged with <see cref="MetricReduction.Mean"/>)
/// are weighted by each step's batch size. A stop request takes effect once
/// <see cref="TrainerOptions.MinEpochs"/> and <see cref="TrainerOptions.MinSteps"/> are met.</para>
/// <para>A failure in a step or a callback stops the run: Exception goes to every callback (with the
/// original exception; <see cref="TrainerContext.CallbackFailure"/> names the failing callback and
/// hook), then TrainEnd(Failed), then Fit rethrows (a callback failure as a <see cref="CallbackException"/>
/// naming callback and hook). Failures inside Exception or TrainEnd never replace the original:
/// they are thrown together with it in an <see cref="AggregateException"/> whose first inner
/// exception is the original.</para>
/// <para>Hooks may bind the batch, the step outputs, the model and the optimizer by their types; those
/// types are checked before TrainStart (the outputs at the first step), and a mismatch fails naming
/// the callback, the hook, the expected and the actual type. A module that runs its step in phases
/// (<see cref="IPhasedTrainingStep{TBatch}"/>) also gets BeforeZeroGrad, AfterBackward and
/// BeforeOptimizerStep inside each training step.</para>
/// <para>A training step allocates nothing in the trainer or the dispatch; per-epoch work may.</para>
/// </remarks>
public sealed partial class Trainer
{
    private readonly TrainerOptions _options;

    /// <summary>Creates a trainer with <paramref name="options"/> and <paramref name="callbacks"/>.</summary>
    /// <param name="options">The loop's options; validated now.</param>
    /// <param name="callbacks">The callbacks; default: an empty <see cref="CallbackCollection"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it and its value).</exception>
    public Trainer(TrainerOptions options, ICallbackDispatcher? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        Callbacks = callbacks ?? new CallbackCollection();
    }

    /// <summary>The dispatcher the trainer calls.</summary>
    public ICallbackDispatcher Callbacks { get; }

    /// <summary>The context of the current (or last) run; null before the first Fit.</summary>
    public TrainerContext? Context { get; private set; }

    /// <summary>Trains <paramref name="module"/> from scratch.</summary>
    /// <typeparam name="TBatch">The batch type.</typeparam>
    /// <param name="module">The training and validation steps.</param>
    /// <param name="trainData">The training batches (enumerated once per epoch).</param>
    /// <param name="validationData">The validation batches, or null for none.</param>
    /// <param name="cancellationToken">Ends the run with <see cref="TrainEndReason.Cancelled"/>; Fit then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>Why and where the run ended, and the per-epoch history.</returns>
    /// <exception cref="ArgumentNullException">The module or the training data is null.</exception>
    /// <exception cref="InvalidOperationException">A hook binds the batch, the model or the optimizer as a type this run does not have.</exception>
    /// <exception cref="CallbackException">A callback with the propagate policy threw.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public TrainResult Fit<TBatch>(
        ITrainingModule<TBatch> module,
        IEnumerable<TBatch> trainData,
        IEnumerable<TBatch>? validationData = null,
        CancellationToken cancellationToken = default) =>
        Run(module, trainData, validationData, null, false, cancellationToken);

    /// <summary>
    /// Resumes a run from a checkpoint so that it ends as the uninterrupted run would have: the model
    /// (through <see cref="IModelStateControl"/>), the epoch and step counters, learning rates, stop
    /// requests, the epoch in progress when the checkpoint was written inside one (the run continues
    /// at its next batch; the data must yield the same batches in the same order), and each
    /// callback's state by its state key. The checkpoint is read and validated, and every state
    /// restored, before any hook runs or any file is written: a checkpoint that cannot be resumed
    /// changes nothing on disk. A checkpoint entry with no callback, or a callback with no entry,
    /// is a warning (<see cref="TrainerContext.Warnings"/>).
    /// </summary>
    /// <remarks>
    /// A checkpoint whose run had ended (<see cref="CheckpointFile.EndReason"/>) ends at once with that
    /// reason: OnTrainStart and OnTrainEnd run (restoring early stopping's best weights, writing the
    /// log summary), no epoch does. A completed run trains on when <see cref="TrainerOptions.MaxEpochs"/>
    /// (or <see cref="TrainerOptions.MaxSteps"/>) is raised above it; a stopped one when
    /// <paramref name="continueStoppedRun"/> is true.
    /// </remarks>
    /// <typeparam name="TBatch">The batch type.</typeparam>
    /// <param name="checkpointPath">A file written by the trainer or the checkpoint callback.</param>
    /// <param name="module">The training and validation steps.</param>
    /// <param name="trainData">The training batches.</param>
    /// <param name="validationData">The validation batches, or null for none.</param>
    /// <param name="continueStoppedRun">Train on from a checkpoint whose run a stop had ended (callbacks keep their state: an early stopping whose patience ran out stops again at its next check).</param>
    /// <param name="cancellationToken">Ends the run with <see cref="TrainEndReason.Cancelled"/>.</param>
    /// <returns>Why and where the run ended.</returns>
    /// <exception cref="CheckpointFormatException">The checkpoint cannot be read or holds an impossible value; the message names the file and the problem.</exception>
    /// <exception cref="InvalidOperationException">The checkpoint's run had not ended, but it already holds <see cref="TrainerOptions.MaxEpochs"/> epochs (or <see cref="TrainerOptions.MaxSteps"/> steps): nothing would train. Or <see cref="TrainerOptions.MaxEpochs"/> is below the checkpoint's epochs. The message names both numbers.</exception>
    public TrainResult Resume<TBatch>(
        string checkpointPath,
        ITrainingModule<TBatch> module,
        IEnumerable<TBatch> trainData,
        IEnumerable<TBatch>? validationData = null,
        bool continueStoppedRun = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        if (!File.Exists(checkpointPath))
        {
            throw new FileNotFoundException($"checkpointPath '{checkpointPath}' does not exist.", checkpointPath);
        }

        CheckpointFile checkpoint = CheckpointFile.Read(checkpointPath, _options.CheckpointReadLimits ?? CheckpointReadLimits.Default);
        bool budgetReached = checkpoint.EpochsCompleted >= _options.MaxEpochs || (_options.MaxSteps > 0 && checkpoint.GlobalStep >= _options.MaxSteps);
        bool endsAtOnce = (checkpoint.EndReason == TrainEndReason.Stopped && !continueStoppedRun)
            || (checkpoint.EndReason == TrainEndReason.Completed && budgetReached);
        if (checkpoint.EpochsCompleted > _options.MaxEpochs || (budgetReached && !endsAtOnce))
        {
            bool steps = checkpoint.EpochsCompleted < _options.MaxEpochs;
            string held = steps ? $"{checkpoint.GlobalStep} step(s)" : $"{checkpoint.EpochsCompleted} epoch(s)";
            string option = steps ? $"MaxSteps is {_options.MaxSteps}" : $"MaxEpochs is {_options.MaxEpochs}";
            string raise = steps ? $"Set MaxSteps above {checkpoint.GlobalStep}" : $"Set MaxEpochs above {checkpoint.EpochsCompleted}";
            string ended = checkpoint.EndReason == TrainEndReason.Stopped ? " The checkpoint's run had stopped; continueStoppedRun asks to train on." : string.Empty;
            throw new InvalidOperationException(
                $"Cannot resume from '{checkpoint.Path}': it holds {held} already trained, and {option}, so no {(steps ? "step" : "epoch")} would run. {raise} to train on.{ended}");
        }

        return Run(module, trainData, validationData, checkpoint, continueStoppedRun, cancellationToken);
    }

    /// <summary>Writes a checkpoint of the current (or last) run to <paramref name="path"/>, atomically; in a data-parallel run, on rank 0 only.</summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="InvalidOperationException">No run has started.</exception>
    public void SaveCheckpoint(string path)
    {
        TrainerContext context = Context ?? throw new InvalidOperationException("SaveCheckpoint needs a run: call Fit first.");
        if (context.IsGlobalZero)
        {
            CheckpointFile.Write(path, context, Callbacks);
        }
    }

    private TrainResult Run<TBatch>(
        ITrainingModule<TBatch> module,
        IEnumerable<TBatch> trainData,
        IEnumerable<TBatch>? validationData,
        CheckpointFile? resumeFrom,
        bool continueStoppedRun,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(trainData);
        ValidateCallbacks(Callbacks);

        var context = new TrainerContext(_options, module.Model, module.Optimizer, module.LearningRates, module.ModelState, cancellationToken, module.Diagnostics, module.MetricDirections)
        {
            Callbacks = Callbacks,
            TrainBatchCount = CountBatches(trainData, _options.LimitTrainBatches),
            HasValidationData = validationData is not null,
            ResumePath = resumeFrom?.Path,
            ProcessGroup = module.ProcessGroup ?? SingleProcessGroup.Instance,
        };
        Context = context;
        var loop = new Loop<TBatch>(this, context, module, trainData, validationData);
        return loop.Run(resumeFrom, continueStoppedRun);
    }

    private static int CountBatches<TBatch>(IEnumerable<TBatch> data, int limit)
    {
        int count = data switch
        {
            ICollection<TBatch> collection => collection.Count,
            IReadOnlyCollection<TBatch> collection => collection.Count,
            _ => -1,
        };
        return count >= 0 && limit >= 0 ? Math.Min(count, limit) : count;
    }

    private static void ValidateCallbacks(ICallbackDispatcher dispatcher)
    {
        var keys = new Dictionary<string, ICallback>(StringComparer.Ordinal);
        var seen = new HashSet<ICallback>(ReferenceEqualityComparer.Instance);
        IReadOnlyList<ICallback> callbacks = dispatcher.Callbacks;
        for (int i = 0; i < callbacks.Count; i++)
        {
            ICallback? callback = callbacks[i];
            if (callback is null)
            {
                throw new ArgumentException($"Callback at position {i} of the dispatcher is null.", nameof(dispatcher));
            }

            if (seen.Contains(callback))
            {
                throw new ArgumentException($"Callback '{CallbackCollection.Describe(callback)}' appears twice in the dispatcher; the same instance cannot run twice.", nameof(dispatcher));
            }

            seen.Add(callback);
            if (!CallbackCollection.HasState(callback))
            {
                continue;
            }

            if (keys.TryGetValue(callback.StateKey, out ICallback? other))
            {
                throw new ArgumentException(
                    $"Callbacks '{CallbackCollection.Describe(other)}' and '{CallbackCollection.Describe(callback)}' keep state under the same state key '{callback.StateKey}'.",
                    nameof(dispatcher));
            }

            keys.Add(callback.StateKey, callback);
        }
    }
}
