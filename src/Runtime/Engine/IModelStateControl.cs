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

    /// <summary>
    /// Writes a snapshot's weights in the format of <see cref="Save"/>, so a checkpoint can keep
    /// them (early stopping's best weights, restored after a resume). The default restores the
    /// snapshot, saves, and puts the current weights back; an engine that can serialize a snapshot
    /// directly should.
    /// </summary>
    /// <param name="snapshot">A snapshot made by <see cref="CreateSnapshot"/>.</param>
    /// <param name="destination">The stream to write; do not close it.</param>
    void SaveSnapshot(object snapshot, Stream destination)
    {
        object current = CreateSnapshot();
        try
        {
            Restore(snapshot);
            Save(destination);
        }
        finally
        {
            Restore(current);
            (current as System.IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Reads weights written by <see cref="SaveSnapshot"/> into a new snapshot, leaving the model's
    /// weights as they were. The default loads, snapshots, and puts the current weights back; the
    /// checkpoint reader calls it after the model's own state is loaded, and both were saved at
    /// the same moment, so optimizer state a <see cref="Load"/> also restores is the same.
    /// </summary>
    /// <param name="source">The stream to read; do not close it.</param>
    /// <returns>A snapshot for <see cref="Restore"/>.</returns>
    object LoadSnapshot(Stream source)
    {
        object current = CreateSnapshot();
        try
        {
            Load(source);
            return CreateSnapshot();
        }
        finally
        {
            Restore(current);
            (current as System.IDisposable)?.Dispose();
        }
    }
}
