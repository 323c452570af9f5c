using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace DreamTrainer;

public sealed partial class Trainer
{
    /// <summary>One run: the loop's state lives here so the step path touches only fields.</summary>
    private sealed class Loop<TBatch>
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
                else
                {
                    _ranks?.BroadcastInitialState(context.ModelState);
                }

                _dispatching = (int)Hook.TrainStart;
                _callbacks.OnTrainStart(context);
                reason = RunEpochs();
            }
            catch (Exception failure)
            {
                reason = TrainEndReason.Failed;
                primary = _dispatching >= 0 ? CallbackDispatch.Attribute(_callbacks, (Hook)_dispatching, failure) : failure;

                // First, so that no other rank waits for this one while the hooks run.
                context.ProcessGroup.ReportFailure(primary);
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
                context.ProcessGroup.ReportFailure(secondary[0]);
                throw secondary.Count == 1 ? secondary[0] : new AggregateException("Several callbacks failed in OnTrainEnd.", secondary);
            }

            _ranks?.Finish();

            if (reason == TrainEndReason.Cancelled)
            {
                throw new OperationCanceledException($"Training was cancelled in epoch {context.Epoch + 1}, after step {context.GlobalStep}.", context.CancellationToken);
            }

            return new TrainResult(reason, context.StopReason, context.EpochsCompleted, context.GlobalStep, _history, context.Errors);
        }

        private TrainEndReason RunEpochs()
        {
            TrainerContext context = _context;
            for (int epoch = context.EpochsCompleted; epoch < _options.MaxEpochs; epoch++)
            {
                context.Epoch = epoch;
                _metrics.Clear();
                context.Phase = TrainerPhase.Training;
                bool validateAtEnd = _validationData is not null && _options.ValidateEveryNSteps == 0 && (epoch + 1) % _options.ValidateEveryNEpochs == 0;
                context.IsValidationEpoch = validateAtEnd;
                (_trainData as IEpochAware)?.SetEpoch(epoch);
                (_validationData as IEpochAware)?.SetEpoch(epoch);
                _telemetry.EpochStarted(epoch);
                _dispatching = (int)Hook.TrainEpochStart;
                _callbacks.OnTrainEpochStart(context, epoch);

                TrainEndReason? ended = RunTrainingBatches(epoch);
                if (ended == TrainEndReason.Cancelled)
                {
                    return TrainEndReason.Cancelled;
                }

                if (context.ImmediateStopRequested)
                {
                    // The weights are not worth evaluating (a NaN loss): no validation, no epoch end.
                    return TrainEndReason.Stopped;
                }

                if (validateAtEnd && !RunValidation(epoch))
                {
                    return TrainEndReason.Cancelled;
                }

                _dispatching = -1;
                context.LogLearningRates();
                _ranks?.ReduceMetrics(validationOnly: false);
                context.Phase = TrainerPhase.Training;
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
        private TrainEndReason? RunTrainingBatches(int epoch)
        {
            TrainerContext context = _context;
            LossCell loss = context.TrainLoss;
            var output = new StepOutput(loss);
            int limit = _options.LimitTrainBatches;
            long maxSteps = _options.MaxSteps;
            int validateEvery = _validationData is null ? 0 : _options.ValidateEveryNSteps;
            var mean = new LossMean();
            int batchIndex = 0;
            TrainEndReason? ended = null;
            bool agreedToEnd = false;

            foreach (TBatch batch in _trainData)
            {
                if (limit >= 0 && batchIndex >= limit)
                {
                    break;
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
                _dispatching = (int)Hook.TrainBatchStart;
                _callbacks.OnTrainBatchStart(context, batchIndex, step);

                _dispatching = -1;
                _metrics.BeginStep();
                StepResult result = _module.TrainingStep(batch, context);
                int weight = Math.Max(1, result.BatchSize);
                _metrics.SetStepWeight(weight);
                loss.Set(result);
                mean.Add(in result, weight);

                context.GlobalStep = step + 1;
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

                if (validateEvery > 0 && context.GlobalStep % validateEvery == 0 && !ImmediateStopAgreed(batchIndex))
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
                    break;
                }

                if (_ranks is null && (context.ImmediateStopRequested || ShouldStop()))
                {
                    break;
                }
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
                _dispatching = (int)Hook.ValidationBatchStart;
                _callbacks.OnValidationBatchStart(context, batchIndex, step);
                _dispatching = -1;
                _metrics.BeginStep();
                StepResult result = _module.ValidationStep(batch, context);
                int weight = Math.Max(1, result.BatchSize);
                _metrics.SetStepWeight(weight);
                loss.Set(result);
                mean.Add(in result, weight);

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
            _dispatching = (int)Hook.ValidationEnd;
            _callbacks.OnValidationEnd(context);
            return true;
        }

        /// <summary>True when a rank asked to stop at once; across ranks the ranks agree first (every rank validates, or none).</summary>
        private bool ImmediateStopAgreed(int batchIndex)
        {
            if (_ranks is not null && _ranks.Agree(RankSync.Point.BeforeValidation, batchIndex))
            {
                // Cancelled on some rank: the next agreement before a step ends the epoch everywhere.
                return true;
            }

            return _context.ImmediateStopRequested;
        }

        /// <summary>A stop was requested and may take effect (MinEpochs and MinSteps are met); says once when it must wait.</summary>
        private bool ShouldStop()
        {
            TrainerContext context = _context;
            if (!context.StopRequested)
            {
                return false;
            }

            if (context.CanStopEarly)
            {
                return true;
            }

            if (!_deferredStopNoted)
            {
                _deferredStopNoted = true;
                context.Logger.LogInformation(
                    "A stop was requested ({Reason}), but MinEpochs={MinEpochs} or MinSteps={MinSteps} is not met yet; training continues until it is.",
                    context.StopReason,
                    _options.MinEpochs,
                    _options.MinSteps);
            }

            return false;
        }

        private void WriteRequestedCheckpoint()
        {
            if (!_context.CheckpointRequested)
            {
                return;
            }

            _context.CheckpointRequested = false;
            string path = Path.Combine(_options.CheckpointDirectory!, $"requested-epoch{_context.Epoch + 1}-step{_context.GlobalStep}.ckpt");
            if (_context.IsGlobalZero)
            {
                CheckpointFile.Write(path, _context, _callbacks, _context.EpochsCompleted);
            }

            _ranks?.WaitForCheckpoint();
        }
    }

    /// <summary>A pass's mean loss, weighted by batch size: host values summed here, device values on the device.</summary>
    private struct LossMean
    {
        private double _hostSum;
        private double _hostWeight;
        private double _deviceWeight;
        private IDeferredScalar? _deferred;

        public void Add(in StepResult result, int weight)
        {
            if (result.Deferred is { } scalar)
            {
                scalar.AddToRunningSum(weight);
                _deferred = scalar;
                _deviceWeight += weight;
            }
            else
            {
                _hostSum += result.Value * weight;
                _hostWeight += weight;
            }
        }

        public readonly void LogTo(MetricsStore metrics, string name)
        {
            double sum = _hostSum;
            double weight = _hostWeight;
            if (_deferred is not null)
            {
                sum += _deferred.TakeRunningSum(out _);
                weight += _deviceWeight;
            }

            if (weight > 0)
            {
                // A weighted mean, so that ranks reduce it weighted by their samples.
                metrics.LogWeightedMean(name, sum, weight);
            }
        }
    }
}
