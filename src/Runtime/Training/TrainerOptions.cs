using System;
using Microsoft.Extensions.Logging;

namespace DreamTrainer;

/// <summary>How long and how a <see cref="Trainer"/> trains. Checked when the trainer is created.</summary>
public sealed class TrainerOptions
{
    /// <summary>The number of epochs to train (at least 1). Default 1.</summary>
    public int MaxEpochs { get; set; } = 1;

    /// <summary>Stop after this many training steps in all (-1: no limit). Default -1.</summary>
    public long MaxSteps { get; set; } = -1;

    /// <summary>
    /// Train at least this many epochs: a stop requested earlier (early stopping) waits until they
    /// have run (Lightning's <c>min_epochs</c>). Between 0 and <see cref="MaxEpochs"/>. Default 0.
    /// </summary>
    public int MinEpochs { get; set; }

    /// <summary>
    /// Train at least this many steps: a stop requested earlier waits until they have run; the run
    /// then stops after the step that reaches them (Lightning's <c>min_steps</c>). 0 or more, and at
    /// most <see cref="MaxSteps"/> when that is set. Default 0.
    /// </summary>
    public long MinSteps { get; set; }

    /// <summary>Validate after every N-th epoch (at least 1). Default 1.</summary>
    public int ValidateEveryNEpochs { get; set; } = 1;

    /// <summary>
    /// Validate after every N-th training step, counted over the whole run, instead of at epoch
    /// ends (Lightning's integer <c>val_check_interval</c>); 0: off. The epoch's <c>val_*</c> metrics
    /// are those of its last validation pass. Exclusive with a <see cref="ValidateEveryNEpochs"/>
    /// other than 1. Default 0.
    /// </summary>
    public int ValidateEveryNSteps { get; set; }

    /// <summary>
    /// Accumulate the gradients of this many batches into one optimizer step (Lightning's
    /// <c>accumulate_grad_batches</c>): each batch back-propagates its loss divided by N, the
    /// gradients are cleared before the first batch of each window of N batches of an epoch and
    /// applied after its last, and the epoch's last batch always steps. At least 1; above 1 the
    /// module must run its step in phases (<see cref="IPhasedTrainingStep{TBatch}"/>). Steps and
    /// <see cref="MaxSteps"/> still count batches. Default 1.
    /// </summary>
    public int AccumulateGradBatches { get; set; } = 1;

    /// <summary>
    /// Clip the gradients before every optimizer step, after the <c>OnBeforeOptimizerStep</c> hooks
    /// (Lightning's <c>gradient_clip_val</c>): by total 2-norm or by value, as
    /// <see cref="GradientClipAlgorithm"/> says. 0: off. Finite and 0 or more; above 0 the module must
    /// expose its gradients (<see cref="IPhasedTrainingStep{TBatch}.Gradients"/>). Default 0.
    /// </summary>
    public double GradientClipValue { get; set; }

    /// <summary>How <see cref="GradientClipValue"/> clips. Default <see cref="DreamTrainer.GradientClipAlgorithm.Norm"/>.</summary>
    public GradientClipAlgorithm GradientClipAlgorithm { get; set; } = GradientClipAlgorithm.Norm;

    /// <summary>Use at most this many training batches per epoch (-1: all). Default -1.</summary>
    public int LimitTrainBatches { get; set; } = -1;

    /// <summary>Use at most this many validation batches per pass (-1: all). Default -1.</summary>
    public int LimitValidationBatches { get; set; } = -1;

    /// <summary>
    /// Write checkpoints and the JSON and CSV logs on a background thread: what a file holds is
    /// still taken on the training thread at the moment it is due (the model, the callbacks' state,
    /// the log), then one background thread writes the files atomically in the order they were due,
    /// so a kill at any instant leaves a folder a synchronous run could have left. A failed write
    /// fails the run (at the next file operation, the next epoch's start, or the run's end, which
    /// waits for every pending write). Costs memory: each pending checkpoint is held until written
    /// (at most two groups of writes, an epoch's each, wait; then training waits). Default false.
    /// </summary>
    public bool WriteFilesInBackground { get; set; }

    /// <summary>Where checkpoints requested through <see cref="TrainerContext.RequestCheckpoint"/> go; null: nowhere.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>
    /// How much a checkpoint read by <see cref="Trainer.Resume{TBatch}"/> (and the checkpoint callback's
    /// manifest) may take; null: <see cref="DreamTrainer.CheckpointReadLimits.Default"/> (16 MiB of
    /// manifest, 2 GiB of model). Raise <see cref="DreamTrainer.CheckpointReadLimits.MaxModelBytes"/>
    /// for a larger model.
    /// </summary>
    public CheckpointReadLimits? CheckpointReadLimits { get; set; }

    /// <summary>Where the trainer and callbacks log (isolated failures, resume warnings). Default: nowhere.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// The run's name: the <c>run</c> tag of <see cref="TrainerMeter"/>'s measurements and the
    /// folder <see cref="TensorBoardLogger"/> writes to (<c>runs/&lt;name&gt;</c>). One folder name
    /// (no separators, not <c>.</c> or <c>..</c>). Default: the local start time of each Fit,
    /// <c>yyyyMMdd-HHmmss</c>; set it to keep a resumed run in the same folder.
    /// </summary>
    public string? RunName { get; set; }

    /// <summary>Throws when an option is out of range; the message names the option and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (MaxEpochs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEpochs), MaxEpochs, $"MaxEpochs must be at least 1; it was {MaxEpochs}.");
        }

        if (MaxSteps == 0 || MaxSteps < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, $"MaxSteps must be -1 (no limit) or at least 1; it was {MaxSteps}.");
        }

        if (ValidateEveryNEpochs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidateEveryNEpochs), ValidateEveryNEpochs, $"ValidateEveryNEpochs must be at least 1; it was {ValidateEveryNEpochs}.");
        }

        if (MinEpochs < 0 || MinEpochs > MaxEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(MinEpochs), MinEpochs, $"MinEpochs must be between 0 and MaxEpochs ({MaxEpochs}); it was {MinEpochs}.");
        }

        if (MinSteps < 0 || (MaxSteps > 0 && MinSteps > MaxSteps))
        {
            throw new ArgumentOutOfRangeException(nameof(MinSteps), MinSteps, $"MinSteps must be 0 or more{(MaxSteps > 0 ? $" and at most MaxSteps ({MaxSteps})" : string.Empty)}; it was {MinSteps}.");
        }

        if (ValidateEveryNSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidateEveryNSteps), ValidateEveryNSteps, $"ValidateEveryNSteps must be 0 (off) or at least 1; it was {ValidateEveryNSteps}.");
        }

        if (ValidateEveryNSteps > 0 && ValidateEveryNEpochs != 1)
        {
            throw new ArgumentException(
                $"ValidateEveryNSteps ({ValidateEveryNSteps}) and ValidateEveryNEpochs ({ValidateEveryNEpochs}) cannot both be set: validate by steps or by epochs.",
                nameof(ValidateEveryNSteps));
        }

        if (AccumulateGradBatches < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(AccumulateGradBatches), AccumulateGradBatches, $"AccumulateGradBatches must be at least 1; it was {AccumulateGradBatches}.");
        }

        if (!double.IsFinite(GradientClipValue) || GradientClipValue < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(GradientClipValue), GradientClipValue, $"GradientClipValue must be finite and 0 (off) or more; it was {GradientClipValue}.");
        }

        if (!Enum.IsDefined(GradientClipAlgorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(GradientClipAlgorithm), GradientClipAlgorithm, $"GradientClipAlgorithm must be Norm or Value; it was {(int)GradientClipAlgorithm}.");
        }

        if (LimitTrainBatches == 0 || LimitTrainBatches < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(LimitTrainBatches), LimitTrainBatches, $"LimitTrainBatches must be -1 (all) or at least 1; it was {LimitTrainBatches}.");
        }

        if (LimitValidationBatches == 0 || LimitValidationBatches < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(LimitValidationBatches), LimitValidationBatches, $"LimitValidationBatches must be -1 (all) or at least 1; it was {LimitValidationBatches}.");
        }

        if (RunName is not null && !IsFolderName(RunName))
        {
            throw new ArgumentException($"RunName must be one folder name (no path separators, not '.' or '..'); it was '{RunName}'.", nameof(RunName));
        }

        if (CheckpointDirectory is { } directory
            && (string.IsNullOrWhiteSpace(directory) || directory.Trim() != directory || directory.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || directory.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"CheckpointDirectory must be null or a folder path without leading or trailing white space or characters paths cannot hold; it was '{directory.Replace("\0", "\\0", StringComparison.Ordinal)}'.",
                nameof(CheckpointDirectory));
        }
    }

    internal TrainerOptions Clone() => (TrainerOptions)MemberwiseClone();

    /// <summary>The default run name for a run started at <paramref name="start"/>.</summary>
    internal static string DefaultRunName(DateTime start) => start.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsFolderName(string name) =>
        !string.IsNullOrWhiteSpace(name)
        && name != "."
        && name != ".."
        && name.Trim() == name
        && name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) < 0
        && name.IndexOfAny(new[] { '/', '\\', ':' }) < 0;
}
