using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace DreamTrainer;

public sealed partial class Trainer
{
    /// <summary>One run: the loop's state lives here so the step path touches only fields.</summary>
    private sealed partial class Loop<TBatch>
    {
        private readonly TrainerContext _context;
        private readonly ITrainingModule<TBatch> _module;
        private readonly IEnumerable<TBatch> _trainData;
        private readonly IEnumerable<TBatch>? _validationData;
        private readonly ICallbackDispatcher _callbacks;
        private readonly TrainerOptions _options;
        private readonly MetricsStore _metrics;
        private readonly List<IReadOnlyDictionary<string, double>> _history = new();
        private readonly RunTelemetry _telemetry;

        // Null in a single process; across ranks, where they meet and what they agree on.
        private readonly RankSync? _ranks;

        // The hook being dispatched (-1 while the module's step runs), to name a callback whose
        // failure a generated pipeline let pass.
        private int _dispatching = -1;

        private bool _deferredStopNoted;

        public Loop(Trainer trainer, TrainerContext context, ITrainingModule<TBatch> module, IEnumerable<TBatch> trainData, IEnumerable<TBatch>? validationData)
        {
            _context = context;
            _module = module;
            _trainData = trainData;
            _validationData = validationData;
            _callbacks = trainer.Callbacks;
            _options = trainer._options;
            _metrics = context.MetricsStore;
            _telemetry = new RunTelemetry(context);
            _ranks = RankSync.For(context);
            _running = _callbacks.Callbacks;
            _phased = module.PhasedStep;
            PrepareBindings();
            _batchesPerEpoch = PrepareSteps(trainData);
        }

        public TrainResult Run(CheckpointFile? resumeFrom, bool continueStoppedRun)
        {
            TrainerContext context = _context;

            // Outside the hooks' try: a checkpoint that cannot be restored fails the resume before
            // any hook runs, so nothing of the run it resumes (logs, summaries, checkpoints) is touched.
            resumeFrom?.RestoreInto(context, _callbacks, continueStoppedRun);
            if (_options.CheckpointDirectory is { } requested && context.IsGlobalZero)
            {
                // Requested checkpoints a killed run was writing (rank 0 writes them, so rank 0 cleans them).
                AtomicFile.RemoveStaleTemporaries(Path.GetFullPath(requested), target => target.EndsWith(".ckpt", StringComparison.Ordinal));
            }

            TrainEndReason reason = TrainEndReason.Failed;
            Exception? primary = null;
            try
            {
                _dispatching = -1;
                _telemetry.Begin();
                if (resumeFrom is null)
                {
                    // A resume loads the same checkpoint on every rank; a fresh run starts from rank 0's weights.
                    _ranks?.BroadcastInitialState(context.ModelState);
                }

                _dispatching = (int)Hook.TrainStart;
                _callbacks.OnTrainStart(context);
                context.TrainingStarted = true;
                reason = RunEpochs();
            }
            catch (OperationCanceledException cancelled) when (IsOurCancellation(cancelled))
            {
                // A cancellation an engine or callback honoured inside a hook (a checkpoint write) is a cancellation, not a failure.
                reason = TrainEndReason.Cancelled;
                primary = cancelled;

                // This rank leaves without the others agreeing: they must not wait for it.
                context.ProcessGroup.ReportFailure(cancelled);
            }
            catch (Exception failure)
            {
                reason = TrainEndReason.Failed;
                primary = _dispatching >= 0 ? CallbackDispatch.Attribute(_callbacks, (Hook)_dispatching, failure) : failure;

                // First, so that no other rank waits for this one while the hooks run.
                context.ProcessGroup.ReportFailure(primary);
                if (Unwrap(primary) is OperationCanceledException cancelled && IsOurCancellation(cancelled))
                {
                    reason = TrainEndReason.Cancelled;
                    primary = cancelled;
                }
                else
                {
                    // Callbacks get what was thrown (Lightning's on_exception); which callback threw it stays beside it.
                    context.CallbackFailure = primary as CallbackException;
                    _dispatching = (int)Hook.Exception;
                    _callbacks.OnException(context, context.CallbackFailure?.InnerException ?? primary);
                }
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
                    FinishFiles();
                    _telemetry.End();
                    ReleaseStep();
                }
            }

            List<Exception> secondary = context.TakeDeferredFailures();
            if (primary is null)
            {
                if (secondary.Count > 0)
                {
                    context.ProcessGroup.ReportFailure(secondary[0]);
                }
                else
                {
                    // No failure on this rank: the ranks meet once more, so that a rank that failed late fails the run everywhere.
                    _ranks?.Finish();
                }
            }

            if (reason == TrainEndReason.Cancelled && primary is null)
            {
                primary = new OperationCanceledException($"Training was cancelled in epoch {context.Epoch + 1}, after step {context.GlobalStep}.", context.CancellationToken);
            }

            if (primary is not null)
            {
                if (secondary.Count == 0)
                {
                    ExceptionDispatchInfo.Capture(primary).Throw();
                }

                secondary.Insert(0, primary);
                string what = reason == TrainEndReason.Cancelled ? "Training was cancelled" : "Training failed";
                throw new AggregateException($"{what}: {primary.Message} (and {secondary.Count - 1} more failure(s) while handling it).", secondary);
            }

            if (secondary.Count > 0)
            {
                throw secondary.Count == 1 ? secondary[0] : new AggregateException("Several callbacks failed in OnTrainEnd.", secondary);
            }

            return new TrainResult(reason, context.StopReason, context.EpochsCompleted, context.GlobalStep, _history, context.Errors);
        }

        /// <summary>The run's end: every file write still pending is done before Fit returns; a failed one fails the run.</summary>
        private void FinishFiles()
        {
            RunFiles files = _context.Files;
            try
            {
                files.Drain();
            }
            catch (IOException failure)
            {
                _context.DeferFailure(failure);
            }
            finally
            {
                files.Dispose();
            }
        }

        private TrainEndReason RunEpochs()
        {
            TrainerContext context = _context;
            EpochProgress progress = context.Progress;
            bool continuing = context.IsResumed && progress.Point != EpochPoint.None;
            if (context.IsResumed && !continuing && EndedBeforeResume() is { } endedBefore)
            {
                return endedBefore;
            }

            for (int epoch = context.EpochsCompleted; epoch < _options.MaxEpochs; epoch++)
            {
                // A checkpoint or log the background could not write ends the run here at the latest.
                context.Files.ThrowIfFailed();
                context.Epoch = epoch;
                bool validateAtEnd = _validationData is not null && _options.ValidateEveryNSteps == 0 && (epoch + 1) % _options.ValidateEveryNEpochs == 0;

                // Also for a resumed epoch: a sampler shuffles by epoch, so the batches skipped are the ones trained.
                (_trainData as IEpochAware)?.SetEpoch(epoch);
                (_validationData as IEpochAware)?.SetEpoch(epoch);
                _telemetry.EpochStarted(epoch);
                if (!continuing)
                {
                    // A resumed epoch already ran its start hooks (their effects, learning rates and
                    // callback state, are in the checkpoint); its metrics so far were restored.
                    _metrics.Clear();
                    progress.Begin();
                    context.Phase = TrainerPhase.Training;
                    context.IsValidationEpoch = validateAtEnd;
                    _dispatching = (int)Hook.TrainEpochStart;
                    _callbacks.OnTrainEpochStart(context, epoch);
                }
                else
                {
                    context.Phase = TrainerPhase.Training;
                }

                TrainEndReason? ended = RunTrainingBatches(epoch, continuing);
                continuing = false;
                if (ended == TrainEndReason.Cancelled)
                {
                    return TrainEndReason.Cancelled;
                }

                if (context.ImmediateStopRequested)
                {
                    // The weights are not worth evaluating (a NaN loss): no validation, no epoch end.
                    return TrainEndReason.Stopped;
                }

                if (validateAtEnd && progress.Point != EpochPoint.Validated && !RunValidation(epoch))
                {
                    return TrainEndReason.Cancelled;
                }

                _dispatching = -1;
                context.LogLearningRates();
                _ranks?.ReduceMetrics(validationOnly: false);
                context.Phase = TrainerPhase.Training;
                progress.End();
                context.EpochsCompleted = epoch + 1;
                _dispatching = (int)Hook.TrainEpochEnd;
                _callbacks.OnTrainEpochEnd(context, epoch, context.Metrics);
                _dispatching = -1;
                _telemetry.EpochEnded(context.Metrics);
                _history.Add(_metrics.ToDictionary());
                if (_ranks is not null && _ranks.Agree(RankSync.Point.EpochEnd, 0))
                {
                    return TrainEndReason.Cancelled;
                }

                WriteRequestedCheckpoint();

                if (ShouldStop())
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
        private TrainEndReason? RunTrainingBatches(int epoch, bool continuing)
        {
            TrainerContext context = _context;
            EpochProgress progress = context.Progress;
            LossCell loss = context.TrainLoss;
            var output = new StepOutput(loss);
            int limit = _options.LimitTrainBatches;
            long maxSteps = _options.MaxSteps;
            int validateEvery = _validationData is null ? 0 : _options.ValidateEveryNSteps;
            ref LossMean mean = ref progress.TrainLoss;
            int batchIndex = 0;
            int done = continuing ? progress.BatchesDone : 0;
            TrainEndReason? ended = null;
            bool agreedToEnd = false;
            bool ranOut = true;
            _windowOpen = false;
            if (continuing && done > 0)
            {
                // Finish what followed the last batch the checkpoint covers, as the interrupted run would have
                // (every rank restored the same checkpoint, so every rank skips the same batches).
                if (FinishBatch(epoch, done, validateEvery, maxSteps, ref ended) is { } stopped)
                {
                    return stopped;
                }

                if (EndsAfterStep(ended))
                {
                    done = int.MaxValue;
                }
            }

            foreach (TBatch batch in _trainData)
            {
                if ((limit >= 0 && batchIndex >= limit) || done == int.MaxValue)
                {
                    ranOut = done != int.MaxValue;
                    break;
                }

                if (batchIndex < done)
                {
                    // A resumed epoch: these batches were trained before the checkpoint.
                    batchIndex++;
                    continue;
                }

                if (_ranks is not null)
                {
                    // Across ranks, stops and checkpoints raised after the last step take effect here, on every rank.
                    if (_ranks.Agree(RankSync.Point.BeforeStep, batchIndex))
                    {
                        return TrainEndReason.Cancelled;
                    }

                    WriteRequestedCheckpoint();
                    if (context.ImmediateStopRequested || ShouldStop())
                    {
                        agreedToEnd = true;
                        break;
                    }
                }
                else if (context.CancellationToken.IsCancellationRequested)
                {
                    return TrainEndReason.Cancelled;
                }

                long step = context.GlobalStep;
                long started = _telemetry.StepStarting();
                context.BatchIndex = batchIndex;
                _batch.Set(batch);
                _dispatching = (int)Hook.TrainBatchStart;
                _callbacks.OnTrainBatchStart(context, batchIndex, step);

                _dispatching = -1;
                _metrics.BeginStep();
                StepResult result = TrainingStep(batch, batchIndex, step, IsLastOfEpoch(batchIndex, step));
                int weight = Math.Max(1, result.BatchSize);
                _metrics.SetStepWeight(weight);
                loss.Set(result);
                mean.Add(in result, weight);
                if (_checkTrainOutputs)
                {
                    CheckOutputs(Hook.TrainBatchEnd, result.Outputs);
                }

                context.GlobalStep = step + 1;
                progress.Point = EpochPoint.Training;
                progress.BatchesDone = batchIndex + 1;
                _dispatching = (int)Hook.TrainBatchEnd;
                _callbacks.OnTrainBatchEnd(context, in output, batchIndex, step);
                _metrics.EndStep();
                batchIndex++;
                _dispatching = -1;
                _telemetry.StepEnded(started, loss);
                if (_ranks is null)
                {
                    WriteRequestedCheckpoint();
                }

                if (FinishBatch(epoch, batchIndex, validateEvery, maxSteps, ref ended) is { } cancelled)
                {
                    return cancelled;
                }

                if (EndsAfterStep(ended))
                {
                    ranOut = false;
                    break;
                }
            }

            if (ranOut && !agreedToEnd && done != int.MaxValue)
            {
                FinishWindow(batchIndex);
            }

            if (_ranks is not null && !agreedToEnd)
            {
                if (_ranks.Agree(RankSync.Point.EndOfData, batchIndex))
                {
                    return TrainEndReason.Cancelled;
                }

                WriteRequestedCheckpoint();
            }

            _dispatching = -1;
            mean.LogTo(_metrics, "loss");
            return ended;
        }

        /// <summary>What follows a training batch: a validation pass every N steps, the step budget. Cancelled, or null.</summary>
        private TrainEndReason? FinishBatch(int epoch, int batchIndex, int validateEvery, long maxSteps, ref TrainEndReason? ended)
        {
            TrainerContext context = _context;

            // Whether the ranks meet depends only on state every rank shares (a resumed pass already validated does not meet again).
            if (validateEvery > 0 && context.GlobalStep % validateEvery == 0 && context.Progress.Point != EpochPoint.Validated
                && !ImmediateStopAgreed(batchIndex))
            {
                if (!RunValidation(epoch))
                {
                    return TrainEndReason.Cancelled;
                }

                context.Phase = TrainerPhase.Training;
            }

            if (maxSteps > 0 && context.GlobalStep >= maxSteps)
            {
                ended = TrainEndReason.Completed;
            }

            return null;
        }

        /// <summary>One validation pass; false when cancelled.</summary>
        private bool RunValidation(int epoch)
        {
            TrainerContext context = _context;
            LossCell loss = context.ValidationLoss;
            var output = new StepOutput(loss);
            int limit = _options.LimitValidationBatches;
            var mean = new LossMean();
            int batchIndex = 0;

            context.Phase = TrainerPhase.Validating;
            context.IsValidationEpoch = true;
            context.Progress.Point = EpochPoint.Validating;
            _metrics.BeginValidation();
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

                // Across ranks a cancellation takes effect where the ranks next agree, never half-way through a pass.
                if (_ranks is null && context.CancellationToken.IsCancellationRequested)
                {
                    _metrics.EndValidation();
                    return false;
                }

                long step = context.GlobalStep;
                context.BatchIndex = batchIndex;
                _batch.Set(batch);
                _dispatching = (int)Hook.ValidationBatchStart;
                _callbacks.OnValidationBatchStart(context, batchIndex, step);
                _dispatching = -1;
                _metrics.BeginStep();
                StepResult result = _module.ValidationStep(batch, context);
                int weight = Math.Max(1, result.BatchSize);
                _metrics.SetStepWeight(weight);
                loss.Set(result);
                mean.Add(in result, weight);
                if (_checkValidationOutputs)
                {
                    CheckOutputs(Hook.ValidationBatchEnd, result.Outputs);
                }

                _dispatching = (int)Hook.ValidationBatchEnd;
                _callbacks.OnValidationBatchEnd(context, in output, batchIndex, step);
                _metrics.EndStep();
                batchIndex++;
            }

            _dispatching = -1;
            mean.LogTo(_metrics, "val_loss");
            _ranks?.ReduceMetrics(validationOnly: true);
            _dispatching = (int)Hook.ValidationEpochEnd;
            _callbacks.OnValidationEpochEnd(context, epoch, context.Metrics);
            _metrics.EndValidation();
            context.Progress.Point = EpochPoint.Validated;
            _dispatching = (int)Hook.ValidationEnd;
            _callbacks.OnValidationEnd(context);
            return true;
        }
    }
}
