using System;

namespace DreamTrainer;

/// <summary>
/// How much a checkpoint read may take. Each zip entry's declared size is checked against these
/// limits before it is opened, and the bytes are counted while they stream (a declared size may
/// lie), so a crafted file (a zip bomb, a huge manifest) fails with a
/// <see cref="CheckpointFormatException"/> instead of exhausting memory. Raise
/// <see cref="MaxModelBytes"/> for a model whose state is larger than 2 GiB:
/// <c>new TrainerOptions { CheckpointReadLimits = new() { MaxModelBytes = 64L &lt;&lt; 30 } }</c>
/// for <see cref="Trainer.Resume{TBatch}"/>, or <see cref="CheckpointFile.Read(string, CheckpointReadLimits)"/>.
/// </summary>
public sealed class CheckpointReadLimits
{
    /// <summary>The default of <see cref="MaxManifestBytes"/>: 16 MiB.</summary>
    public const long DefaultMaxManifestBytes = 16L << 20;

    /// <summary>The default of <see cref="MaxModelBytes"/>: 2 GiB, the most one .NET array holds.</summary>
    public const long DefaultMaxModelBytes = 2L << 30;

    private readonly long _maxManifestBytes = DefaultMaxManifestBytes;
    private readonly long _maxModelBytes = DefaultMaxModelBytes;

    /// <summary>The default limits.</summary>
    public static CheckpointReadLimits Default { get; } = new();

    /// <summary>
    /// The largest <c>checkpoint.json</c> (and checkpoint folder manifest) read, uncompressed:
    /// it is parsed in memory. At least 1 KiB. Default 16 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 KiB.</exception>
    public long MaxManifestBytes
    {
        get => _maxManifestBytes;
        init => _maxManifestBytes = value >= 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxManifestBytes), value, $"MaxManifestBytes must be at least 1024; it was {value}.");
    }

    /// <summary>
    /// The largest <c>model.bin</c> (and each saved weights snapshot, such as early stopping's best
    /// weights) read, uncompressed: it streams into the engine. At least 1 KiB. Default 2 GiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1 KiB.</exception>
    public long MaxModelBytes
    {
        get => _maxModelBytes;
        init => _maxModelBytes = value >= 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxModelBytes), value, $"MaxModelBytes must be at least 1024; it was {value}.");
    }
}
