using System.IO;

namespace DreamTrainer.Samples.KerasCallbacks;

/// <summary>
/// The exercise's three callbacks in one static pipeline: the generator writes the dispatcher,
/// with direct calls in priority order fixed at compile time.
/// </summary>
[CallbackPipeline]
public sealed partial class ExerciseCallbacks
{
    /// <summary>Creates the pipeline.</summary>
    /// <param name="schedule">The learning-rate schedule (the exercise's StepLR, or warm-up cosine for the bonus).</param>
    /// <param name="logPath">Where the JSON log goes.</param>
    /// <param name="output">Where messages go.</param>
    public ExerciseCallbacks(ICallback schedule, string logPath, TextWriter output)
    {
        StepSchedule = schedule as ExerciseStepLR;
        CosineSchedule = schedule as WarmupCosineScheduler;
        Log = new JsonTrainingLogger(logPath, output);
        Stop = new EarlyStoppingCallback(monitor: "val_loss", patience: 8, minDelta: 1e-3, restoreBestWeights: true, output: output);
    }

    /// <summary>The step schedule of the exercise (null in the bonus run).</summary>
    public ExerciseStepLR? StepSchedule { get; }

    /// <summary>The warm-up cosine schedule of the bonus (null in the main run).</summary>
    public WarmupCosineScheduler? CosineSchedule { get; }

    /// <summary>The JSON training log.</summary>
    public JsonTrainingLogger Log { get; }

    /// <summary>Early stopping with restore-best-weights.</summary>
    public EarlyStoppingCallback Stop { get; }
}
