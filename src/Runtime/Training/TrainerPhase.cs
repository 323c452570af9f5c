namespace DreamTrainer;

/// <summary>Where the trainer is in a run.</summary>
public enum TrainerPhase
{
    /// <summary>Not running (before Fit, or in a test harness).</summary>
    Idle,

    /// <summary>In the training part of an epoch.</summary>
    Training,

    /// <summary>In a validation pass.</summary>
    Validating,

    /// <summary>Fit has ended.</summary>
    Finished,
}
