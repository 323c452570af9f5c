using System;
using Microsoft.Extensions.Logging;

namespace DreamTrainer;

public sealed partial class Trainer
{
    /// <summary>The loop's rules: when a run stops, what counts as its cancellation, where a requested checkpoint goes.</summary>
    private sealed partial class Loop<TBatch>
    {
        /// <summary>
        /// A resume from a checkpoint written between epochs: the reason the interrupted run ended
        /// right after it (a stop it had requested, its budget), or null when it went on.
        /// </summary>
        private TrainEndReason? EndedBeforeResume()
        {
            TrainerContext context = _context;
            TrainEndReason? reason = null;
            if (context.ImmediateStopRequested || ShouldStop())
            {
                reason = TrainEndReason.Stopped;
            }
            else if (context.EpochsCompleted >= _options.MaxEpochs || (_options.MaxSteps > 0 && context.GlobalStep >= _options.MaxSteps))
            {
                reason = TrainEndReason.Completed;
            }

            if (reason is { } ended)
            {
                context.Warn(
                    $"The checkpoint's run had ended ({ended}{(context.StopReason is { } why && ended == TrainEndReason.Stopped ? ": " + why : string.Empty)}) after epoch {context.EpochsCompleted}; "
                    + "this resume trained nothing and ended at once. Raise MaxEpochs or MaxSteps to continue a completed run, or pass continueStoppedRun: true to continue a stopped one.");
            }

            return reason;
        }

        /// <summary>True when the epoch's training ends after this step; across ranks a stop waits for the ranks' next agreement.</summary>
        private bool EndsAfterStep(TrainEndReason? ended) =>
            ended is not null || (_ranks is null && (_context.ImmediateStopRequested || ShouldStop()));

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

        /// <summary>True when <paramref name="cancelled"/> comes from this run's token (an engine or callback honoured it).</summary>
        private bool IsOurCancellation(OperationCanceledException cancelled) =>
            _context.CancellationToken.IsCancellationRequested
            && (cancelled.CancellationToken == _context.CancellationToken || cancelled.CancellationToken == default || !cancelled.CancellationToken.CanBeCanceled);

        private static Exception Unwrap(Exception failure) => failure is CallbackException { InnerException: { } inner } ? inner : failure;

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
            if (_context.CheckpointRequested)
            {
                // The context writes it (on rank 0), as the test harness does; the other ranks wait.
                _context.WriteRequestedCheckpoint();
                _ranks?.WaitForCheckpoint();
            }
        }
    }
}
