namespace DreamTrainer;

/// <summary>
/// Data whose order depends on the epoch, such as a shuffling <see cref="DistributedSampler"/>: the
/// trainer calls <see cref="SetEpoch"/> before it enumerates the training or validation data of
/// each epoch, so every rank draws the same order and a resumed run draws the order the
/// uninterrupted run drew (PyTorch's <c>sampler.set_epoch</c>, which Lightning calls for you).
/// </summary>
public interface IEpochAware
{
    /// <summary>Selects the order of <paramref name="epoch"/>.</summary>
    /// <param name="epoch">The 0-based epoch about to be enumerated.</param>
    void SetEpoch(int epoch);
}
