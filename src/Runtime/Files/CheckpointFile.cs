using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// The checkpoint format, version 2: a zip archive with <c>checkpoint.json</c> (format tag,
/// version, epochs completed, global step, the epoch's metrics, learning rates, whether the run had
/// ended and why, the progress inside the epoch when it was written mid-epoch, and each callback's
/// state under its state key), <c>model.bin</c> when the engine has a model-state seam (the engine's
/// own bytes), and <c>state/&lt;n&gt;.bin</c> for weights snapshots callbacks keep (early stopping's
/// best weights). Written atomically; read with every size bounded (<see cref="CheckpointReadLimits"/>)
/// and every value validated, so a truncated, corrupt or crafted file fails with a
/// <see cref="CheckpointFormatException"/> naming the file and what is wrong. Version 1 files
/// (no run end, no epoch progress) are read too.
/// </summary>
public sealed partial class CheckpointFile
{
    /// <summary>The value of <c>format</c> in <c>checkpoint.json</c>.</summary>
    public const string FormatTag = "DreamTrainer.Checkpoint";

    /// <summary>The version this runtime writes.</summary>
    public const int CurrentVersion = 2;

    /// <summary>The oldest version this runtime reads.</summary>
    public const int OldestVersion = 1;

    private CheckpointFile(string path, CheckpointReadLimits limits, uint manifestCrc)
    {
        Path = path;
        Limits = limits;
        ManifestCrc = manifestCrc;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The format version the file was written in.</summary>
    public int Version { get; private set; }

    /// <summary>Epochs completed when the checkpoint was written; a resumed run starts at this epoch (or continues it, when written inside it).</summary>
    public int EpochsCompleted { get; private set; }

    /// <summary>Training steps taken when the checkpoint was written.</summary>
    public long GlobalStep { get; private set; }

    /// <summary>True when the checkpoint was written inside an epoch (a step or time trigger, a failure): a resume continues that epoch at its next batch.</summary>
    public bool IsMidEpoch => Progress is not null;

    /// <summary>
    /// <see cref="TrainEndReason.Stopped"/> or <see cref="TrainEndReason.Completed"/> when the run had
    /// ended when the checkpoint was written (a stop took effect, or the epoch or step budget was
    /// reached); null while it was going on. Resuming an ended run ends at once with that reason.
    /// </summary>
    public TrainEndReason? EndReason { get; private set; }

    /// <summary>The first stop reason requested before the checkpoint was written, or null.</summary>
    public string? StopReason => StopReasons.Count > 0 ? StopReasons[0] : null;

    /// <summary>The metrics at the time of writing.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; private set; } = new Dictionary<string, double>();

    /// <summary>The state keys of the callbacks stored.</summary>
    public IEnumerable<string> CallbackKeys
    {
        get
        {
            foreach (KeyValuePair<string, JsonNode?> entry in CallbackStates)
            {
                yield return entry.Key;
            }
        }
    }

    /// <summary>The learning rate of each parameter group when the checkpoint was written (empty without a learning-rate seam).</summary>
    public IReadOnlyList<double> LearningRates { get; private set; } = Array.Empty<double>();

    /// <summary>True when the checkpoint holds the engine's model state (<c>model.bin</c>).</summary>
    public bool HasModelState { get; private set; }

    internal IReadOnlyList<string> StopReasons { get; private set; } = Array.Empty<string>();

    internal bool StopImmediately { get; private set; }

    internal bool CheckpointRequested { get; private set; }

    internal SavedProgress? Progress { get; private set; }

    internal JsonObject CallbackStates { get; private set; } = new();

    internal CheckpointReadLimits Limits { get; }

    private uint ManifestCrc { get; }

    /// <summary>Reads and validates a checkpoint with the default <see cref="CheckpointReadLimits"/>. The model's bytes are not read until they are loaded.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a valid checkpoint of a version this runtime reads; the message names the file and the problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CheckpointFile Read(string path) => Read(path, CheckpointReadLimits.Default);

    /// <summary>Reads and validates a checkpoint within <paramref name="limits"/>. The model's bytes are not read until they are loaded.</summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">The most each entry may hold.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a valid checkpoint of a version this runtime reads; the message names the file and the problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CheckpointFile Read(string path, CheckpointReadLimits limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(limits);
        using CheckpointArchive archive = CheckpointArchive.Open(path, limits);
        if (!archive.Contains(CheckpointArchive.ManifestEntry))
        {
            throw new CheckpointFormatException(archive.Path, $"is not a DreamTrainer checkpoint: it has no {CheckpointArchive.ManifestEntry}.", null);
        }

        byte[] bytes = archive.ReadAll(CheckpointArchive.ManifestEntry, limits.MaxManifestBytes);
        JsonObject manifest = BoundedJson.ParseObject(
            bytes,
            (problem, inner) => new CheckpointFormatException(archive.Path, $"{CheckpointArchive.ManifestEntry} {problem}", inner));
        var checkpoint = new CheckpointFile(archive.Path, limits, ZipCrc32.Append(0, bytes));
        checkpoint.Parse(new ManifestFields(archive.Path, manifest));
        checkpoint.HasModelState = archive.Contains(CheckpointArchive.ModelEntry);
        return checkpoint;
    }

    /// <summary>
    /// Loads the checkpoint's model state into <paramref name="model"/> (Keras' <c>load_weights</c>):
    /// for inference or evaluation with the weights of, say, the best checkpoint, without resuming.
    /// The bytes stream from the archive into the engine, bounded by <see cref="CheckpointReadLimits.MaxModelBytes"/>
    /// and checked against the entry's length and CRC.
    /// </summary>
    /// <param name="model">The engine's model-state seam.</param>
    /// <exception cref="InvalidOperationException">The checkpoint holds no model state.</exception>
    /// <exception cref="CheckpointFormatException">The model's bytes are corrupt, over the limit, or the engine cannot load them.</exception>
    public void LoadModelInto(IModelStateControl model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!HasModelState)
        {
            throw new InvalidOperationException($"The checkpoint '{Path}' holds no model state (its run's module exposed no IModelStateControl).");
        }

        using CheckpointArchive archive = OpenAgain();
        LoadModel(archive, model);
    }

    /// <summary>Opens the file again for the reads that follow <see cref="Read(string, CheckpointReadLimits)"/> (model, snapshots), checking it is the file that was read.</summary>
    private CheckpointArchive OpenAgain()
    {
        CheckpointArchive archive = CheckpointArchive.Open(Path, Limits);
        try
        {
            byte[] bytes = archive.ReadAll(CheckpointArchive.ManifestEntry, Limits.MaxManifestBytes);
            if (ZipCrc32.Append(0, bytes) != ManifestCrc)
            {
                throw new CheckpointFormatException(Path, "changed on disk after it was read; read it again.", null);
            }

            return archive;
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private void LoadModel(CheckpointArchive archive, IModelStateControl model)
    {
        using Stream stream = archive.Open(CheckpointArchive.ModelEntry, Limits.MaxModelBytes);
        try
        {
            model.Load(stream);
        }
        catch (Exception failure) when (failure is not CheckpointFormatException and not OperationCanceledException)
        {
            throw new CheckpointFormatException(Path, $"its {CheckpointArchive.ModelEntry} cannot be loaded into the module ({failure.GetType().Name}: {failure.Message}).", failure);
        }

        CheckpointArchive.Finish(stream);
    }

    /// <summary>The part of an epoch a checkpoint written inside it had done.</summary>
    internal sealed record SavedProgress(
        EpochPoint Point,
        int BatchesDone,
        double LossSum,
        double LossWeight,
        bool ValidationEpoch,
        IReadOnlyList<SavedAccumulator> Accumulators);

    /// <summary>One metric's accumulator inside an epoch.</summary>
    internal sealed record SavedAccumulator(string Name, MetricReduction Reduction, double Value, double Weight, long Count, bool Validation, bool Reduced);
}
