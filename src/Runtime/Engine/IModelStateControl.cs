using System.IO;

namespace DreamTrainer;

/// <summary>
/// The model-state seam: save and load for checkpoints (TorchSharp: <c>Module.save</c>/<c>load</c>),
/// and an in-memory snapshot for restore-best-weights (a copy of the state dict).
/// </summary>
public interface IModelStateControl
{
    /// <summary>Writes the model's state (and the optimizer's, if it has one worth keeping) to <paramref name="destination"/>.</summary>
    /// <param name="destination">The stream to write; do not close it.</param>
    void Save(Stream destination);

    /// <summary>Reads state written by <see cref="Save"/> from <paramref name="source"/>.</summary>
    /// <param name="source">The stream to read; do not close it.</param>
    void Load(Stream source);

    /// <summary>Copies the current weights into memory (detached from the graph).</summary>
    /// <returns>An opaque snapshot for <see cref="Restore"/>.</returns>
    object CreateSnapshot();

    /// <summary>Restores weights from a snapshot made by <see cref="CreateSnapshot"/> (under no-grad).</summary>
    /// <param name="snapshot">The snapshot.</param>
    void Restore(object snapshot);
}
