using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
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
/// ValidationEpochEnd, ValidationEnd; then TrainEpochEnd with <c>loss</c>, <c>val_*</c> and
/// <c>lr</c> in the metrics (Keras order); finally TrainEnd, always.</para>
/// <para>A failure in a step or a callback stops the run: Exception goes to every callback, then
/// TrainEnd(Failed), then Fit rethrows (a callback failure as a <see cref="CallbackException"/>
/// naming callback and hook). Failures inside Exception or TrainEnd never replace the original:
/// they are thrown together with it in an <see cref="AggregateException"/> whose first inner
/// exception is the original.</para>
/// <para>A training step allocates nothing in the trainer or the dispatch; per-epoch work may.</para>
/// </remarks>
public sealed class Trainer
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
    /// <exception cref="CallbackException">A callback with the propagate policy threw.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public TrainResult Fit<TBatch>(
        ITrainingModule<TBatch> module,
        IEnumerable<TBatch> trainData,
        IEnumerable<TBatch>? validationData = null,
        CancellationToken cancellationToken = default) =>
        Run(module, trainData, validationData, null, cancellationToken);

    /// <summary>
    /// Resumes a run from a checkpoint: the model (through <see cref="IModelStateControl"/>), the
    /// epoch and step counters, and each callback's state by its state key. A checkpoint entry with
    /// no callback, or a callback with no entry, is a warning (<see cref="TrainerContext.Warnings"/>).
    /// </summary>
    /// <typeparam name="TBatch">The batch type.</typeparam>
    /// <param name="checkpointPath">A file written by the trainer or the checkpoint callback.</param>
    /// <param name="module">The training and validation steps.</param>
    /// <param name="trainData">The training batches.</param>
    /// <param name="validationData">The validation batches, or null for none.</param>
    /// <param name="cancellationToken">Ends the run with <see cref="TrainEndReason.Cancelled"/>.</param>
    /// <returns>Why and where the run ended.</returns>
    public TrainResult Resume<TBatch>(
        string checkpointPath,
        ITrainingModule<TBatch> module,
        IEnumerable<TBatch> trainData,
        IEnumerable<TBatch>? validationData = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        if (!File.Exists(checkpointPath))
        {
            throw new FileNotFoundException($"checkpointPath '{checkpointPath}' does not exist.", checkpointPath);
        }

        return Run(module, trainData, validationData, CheckpointFile.Read(checkpointPath), cancellationToken);
    }

    /// <summary>Writes a checkpoint of the current (or last) run to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="InvalidOperationException">No run has started.</exception>
    public void SaveCheckpoint(string path)
    {
        TrainerContext context = Context ?? throw new InvalidOperationException("SaveCheckpoint needs a run: call Fit first.");
        CheckpointFile.Write(path, context, Callbacks, context.EpochsCompleted);
    }

    private TrainResult Run<TBatch>(
        ITrainingModule<TBatch> module,
        IEnumerable<TBatch> trainData,
        IEnumerable<TBatch>? validationData,
        CheckpointFile? resumeFrom,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(trainData);
        ValidateCallbacks(Callbacks);

        var context = new TrainerContext(_options, module.Model, module.Optimizer, module.LearningRates, module.ModelState, cancellationToken, module.Diagnostics)
        {
            Callbacks = Callbacks,
            TrainBatchCount = CountBatches(trainData, _options.LimitTrainBatches),
        };
        Context = context;
        var loop = new Loop<TBatch>(this, context, module, trainData, validationData);
        return loop.Run(resumeFrom);
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

    /// <summary>One run: the loop's state lives here so the step path touches only fields.</summary>
    private sealed class Loop<TBatch>
    {
        private readonly Trainer _trainer;
        private readonly TrainerContext _context;
        private readonly ITrainingModule<TBatch> _module;
        private readonly IEnumerable<TBatch> _trainData;
        private readonly IEnumerable<TBatch>? _validationData;
        private readonly ICallbackDispatcher _callbacks;
        private readonly TrainerOptions _options;
        private readonly List<IReadOnlyDictionary<string, double>> _history = new();
        private readonly RunTelemetry _telemetry;

        // The hook being dispatched (-1 while the module's step runs), to name a callback whose
        // failure a generated pipeline let pass.
        private int _dispatching = -1;
        
        public Loop(Trainer trainer, TrainerContext context, ITrainingModule<TBatch> module, IEnumerable<TBatch> trainData, IEnumerable<TBatch>? validationData)
        {
            _trainer = trainer;
            _context = context;
            _module = module;
            _trainData = trainData;
            _validationData = validationData;
            _callbacks = trainer.Callbacks;
            _options = trainer._options;
            _telemetry = new RunTelemetry(context);
        }

        public TrainResult Run(CheckpointFile? resumeFrom)
        {
            TrainerContext context = _context;
            TrainEndReason reason = TrainEndReason.Failed;
            Exception? primary = null;
            try
            {
                _dispatching = -1;
                _telemetry.Begin();
                if (resumeFrom is not null)
                {
                    context.Epoch = resumeFrom.EpochsCompleted;
                    context.GlobalStep = resumeFrom.GlobalStep;
                    context.EpochsCompleted = resumeFrom.EpochsCompleted;
                    context.IsResumed = true;
                    resumeFrom.RestoreInto(context, _callbacks);
                }

                _dispatching = (int)Hook.TrainStart;
                _callbacks.OnTrainStart(context);
                reason = RunEpochs();
            }
            catch (Exception failure)
            {
                reason = TrainEndReason.Failed;
                primary = _dispatching >= 0 ? CallbackDispatch.Attribute(_callbacks, (Hook)_dispatching, failure) : failure;
                _dispatching = (int)Hook.Exception;
                _callbacks.OnException(context, primary);
            }
            finally
            {
                context.Phase = TrainerPhase.Finished;
                _dispatching = (int)Hook.TrainEnd;
                try
                {
                    _callbacks.OnTrainEnd(context, reason);
                }
                finally
                {
                    _telemetry.End();
                }
            }

            List<Exception> secondary = context.TakeDeferredFailures();
            if (primary is not null)
            {
                if (secondary.Count == 0)
                {
                    ExceptionDispatchInfo.Capture(primary).Throw();
                }

                secondary.Insert(0, primary);
                throw new AggregateException($"Training failed: {primary.Message} (and {secondary.Count - 1} more failure(s) while handling it).", secondary);
            }

            if (secondary.Count > 0)
            {
                throw secondary.Count == 1 ? secondary[0] : new AggregateException("Several callbacks failed in OnTrainEnd.", secondary);
            }

            if (reason == TrainEndReason.Cancelled)
            {
                throw new OperationCanceledException($"Training was cancelled at epoch {context.Epoch}, step {context.GlobalStep}.", context.CancellationToken);
            }

            return new TrainResult(reason, context.StopReason, context.EpochsCompleted, context.GlobalStep, _history, context.Errors);
        }

        private TrainEndReason RunEpochs()
        {
            TrainerContext context = _context;
            for (int epoch = context.EpochsCompleted; epoch < _options.MaxEpochs; epoch++)
            {
                context.Epoch = epoch;
                context.MetricsStore.Clear();
                context.Phase = TrainerPhase.Training;
                context.IsValidationEpoch = _validationData is not null && (epoch + 1) % _options.ValidateEveryNEpochs == 0;
                _telemetry.EpochStarted(epoch);
                _dispatching = (int)Hook.TrainEpochStart;
                _callbacks.OnTrainEpochStart(context, epoch);

                TrainEndReason? ended = RunTrainingBatches();
                if (ended == TrainEndReason.Cancelled)
                {
                    return TrainEndReason.Cancelled;
                }

                if (context.ImmediateStopRequested)
                {
                    // The weights are not worth evaluating (a NaN loss): no validation, no epoch end.
                    return TrainEndReason.Stopped;
                }

                if (context.IsValidationEpoch)
                {
                    if (!RunValidation(epoch))
                    {
                        return TrainEndReason.Cancelled;
                    }
                }

                _dispatching = -1;
                if (context.HasLearningRate)
                {
                    context.Log("lr", context.LearningRate);
                }

                context.Phase = TrainerPhase.Training;
                context.EpochsCompleted = epoch + 1;
                _dispatching = (int)Hook.TrainEpochEnd;
                _callbacks.OnTrainEpochEnd(context, epoch, context.Metrics);
                _dispatching = -1;
                _telemetry.EpochEnded(context.Metrics);
                _history.Add(context.MetricsStore.ToDictionary());
                WriteRequestedCheckpoint();

                if (context.StopRequested)
                {
                    return TrainEndReason.Stopped;
                }

                if (ended == TrainEndReason.Completed)
                {
                    return TrainEndReason.Completed;
                }
            }

            return context.StopRequested ? TrainEndReason.Stopped : TrainEndReason.Completed;
        }

        /// <summary>The training half of an epoch; null when the epoch ran out of batches normally.</summary>
        private TrainEndReason? RunTrainingBatches()
        {
            TrainerContext context = _context;
            LossCell loss = context.TrainLoss;
            var output = new StepOutput(loss);
            int limit = _options.LimitTrainBatches;
            long maxSteps = _options.MaxSteps;
            double hostSum = 0;
            long hostCount = 0;
            IDeferredScalar? deferred = null;
            int batchIndex = 0;
            TrainEndReason? ended = null;

            foreach (TBatch batch in _trainData)
            {
                if (limit >= 0 && batchIndex >= limit)
                {
                    break;
                }

                if (context.CancellationToken.IsCancellationRequested)
                {
                    return TrainEndReason.Cancelled;
                }

                long step = context.GlobalStep;
                long started = _telemetry.StepStarting();
                context.BatchIndex = batchIndex;
                _dispatching = (int)Hook.TrainBatchStart;
                _callbacks.OnTrainBatchStart(context, batchIndex, step);

                _dispatching = -1;
                StepResult result = _module.TrainingStep(batch, context);
                loss.Set(result);
                if (result.Deferred is { } scalar)
                {
                    scalar.AddToRunningSum();
                    deferred = scalar;
                }
                else
                {
                    hostSum += result.Value;
                    hostCount++;
                }

                context.GlobalStep = step + 1;
                _dispatching = (int)Hook.TrainBatchEnd;
                _callbacks.OnTrainBatchEnd(context, in output, batchIndex, step);
                batchIndex++;
                _dispatching = -1;
                _telemetry.StepEnded(started, loss);
                WriteRequestedCheckpoint();

                if (maxSteps > 0 && context.GlobalStep >= maxSteps)
                {
                    ended = TrainEndReason.Completed;
                    break;
                }

                if (context.StopRequested)
                {
                    break;
                }
            }

            _dispatching = -1;
            LogMean("loss", hostSum, hostCount, deferred);
            return ended;
        }

        /// <summary>One validation pass; false when cancelled.</summary>
        private bool RunValidation(int epoch)
        {
            TrainerContext context = _context;
            LossCell loss = context.ValidationLoss;
            var output = new StepOutput(loss);
            int limit = _options.LimitValidationBatches;
            double hostSum = 0;
            long hostCount = 0;
            IDeferredScalar? deferred = null;
            int batchIndex = 0;

            context.Phase = TrainerPhase.Validating;
            _dispatching = (int)Hook.ValidationStart;
            _callbacks.OnValidationStart(context);
            _dispatching = (int)Hook.ValidationEpochStart;
            _callbacks.OnValidationEpochStart(context, epoch);
            foreach (TBatch batch in _validationData!)
            {
                if (limit >= 0 && batchIndex >= limit)
                {
                    break;
                }

                if (context.CancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                long step = context.GlobalStep;
                context.BatchIndex = batchIndex;
                _dispatching = (int)Hook.ValidationBatchStart;
                _callbacks.OnValidationBatchStart(context, batchIndex, step);
                _dispatching = -1;
                StepResult result = _module.ValidationStep(batch, context);
                loss.Set(result);
                if (result.Deferred is { } scalar)
                {
                    scalar.AddToRunningSum();
                    deferred = scalar;
                }
                else
                {
                    hostSum += result.Value;
                    hostCount++;
                }

                _dispatching = (int)Hook.ValidationBatchEnd;
                _callbacks.OnValidationBatchEnd(context, in output, batchIndex, step);
                batchIndex++;
            }

            _dispatching = -1;
            LogMean("val_loss", hostSum, hostCount, deferred);
            _dispatching = (int)Hook.ValidationEpochEnd;
            _callbacks.OnValidationEpochEnd(context, epoch, context.Metrics);
            _dispatching = (int)Hook.ValidationEnd;
            _callbacks.OnValidationEnd(context);
            return true;
        }

        private void LogMean(string name, double hostSum, long hostCount, IDeferredScalar? deferred)
        {
            if (deferred is not null)
            {
                hostSum += deferred.TakeRunningSum(out long deferredCount);
                hostCount += deferredCount;
            }

            if (hostCount > 0)
            {
                _context.Log(name, hostSum / hostCount);
            }
        }

        private void WriteRequestedCheckpoint()
        {
            if (!_context.CheckpointRequested)
            {
                return;
            }

            _context.CheckpointRequested = false;
            string path = Path.Combine(_options.CheckpointDirectory!, $"requested-epoch{_context.Epoch}-step{_context.GlobalStep}.ckpt");
            CheckpointFile.Write(path, _context, _callbacks, _context.EpochsCompleted);
        }
    }
}
