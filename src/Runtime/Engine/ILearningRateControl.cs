namespace DreamTrainer;

/// <summary>
/// The optimizer seam: learning rate (and momentum, where the optimizer has it) per parameter
/// group. A TorchSharp adapter maps it to <c>optimizer.ParamGroups[i].LearningRate</c>.
/// Implement it on your module (or return it from <see cref="ITrainingModule{TBatch}.LearningRates"/>).
/// </summary>
public interface ILearningRateControl
{
    /// <summary>The number of parameter groups (at least 1).</summary>
    int GroupCount { get; }

    /// <summary>The learning rate of <paramref name="group"/>.</summary>
    /// <param name="group">The parameter group, from 0.</param>
    /// <returns>The learning rate.</returns>
    double GetLearningRate(int group);

    /// <summary>Sets the learning rate of <paramref name="group"/>.</summary>
    /// <param name="group">The parameter group, from 0.</param>
    /// <param name="learningRate">The new rate, finite and non-negative.</param>
    void SetLearningRate(int group, double learningRate);

    /// <summary>The momentum (or Adam's beta1) of <paramref name="group"/>, when the optimizer has one.</summary>
    /// <param name="group">The parameter group, from 0.</param>
    /// <param name="momentum">The momentum, or NaN.</param>
    /// <returns>False when the optimizer has no momentum.</returns>
    bool TryGetMomentum(int group, out double momentum);
}
