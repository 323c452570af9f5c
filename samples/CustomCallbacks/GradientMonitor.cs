namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// The guide's <c>GradientMonitor</c> (a member of <see cref="MonitoringGroup"/>), on the optimizer-step
/// hooks (Lightning's <c>on_after_backward</c>, <c>on_before_optimizer_step</c>): it logs the gradient
/// norm, flags non-finite gradients, and clips the norm before the optimizer step. The digits MLP runs
/// its step in phases (<see cref="IPhasedTrainingStep{TBatch}"/>), so the trainer calls these hooks.
/// </summary>
public sealed partial class GradientMonitor(double maxNorm = 5.0, int everyNSteps = 10)
{
    /// <summary>Steps whose gradients the clipping scaled down.</summary>
    public int ClippedSteps { get; private set; }

    /// <summary>The last total gradient norm logged.</summary>
    public double LastNorm { get; private set; } = double.NaN;

    [OnAfterBackward]
    private void OnAfterBackward(TrainerContext trainer, GradientView gradients, long globalStep)
    {
        if (globalStep % everyNSteps != 0)
        {
            return;
        }

        LastNorm = gradients.GetTotalNorm();
        trainer.Log("grad_norm", LastNorm);
        if (!double.IsFinite(LastNorm))
        {
            trainer.Log("grad_not_finite", 1);
        }
    }

    [OnBeforeOptimizerStep]
    private void OnBeforeOptimizerStep(GradientView gradients)
    {
        if (gradients.ClipByNorm(maxNorm) > maxNorm)
        {
            ClippedSteps++;
        }
    }
}
