namespace DreamTrainer;

/// <summary>
/// The ranks of a data-parallel run on which a callback's hooks run
/// (<see cref="CallbackAttribute.Ranks"/>). In a single process every callback runs: that process is rank 0.
/// </summary>
public enum CallbackRanks
{
    /// <summary>Every rank (the default): callbacks that change the run, such as schedulers and early stopping, whose decisions must be the same everywhere.</summary>
    All,

    /// <summary>
    /// Rank 0 only: callbacks with side effects outside the process (console, log files,
    /// checkpoints, TensorBoard) that must happen once per run, Lightning's <c>rank_zero_only</c>.
    /// The generated hook methods return at once on other ranks; state hooks still run everywhere,
    /// so a resumed run loads the state on every rank.
    /// </summary>
    Zero,
}
