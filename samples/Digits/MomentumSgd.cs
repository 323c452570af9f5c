namespace DreamTrainer.Samples.Digits;

/// <summary>The <see cref="DigitsMlp"/>'s optimizer: SGD with momentum (what hooks bind as <c>optimizer</c>).</summary>
public sealed class MomentumSgd
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The initial learning rate.</param>
    /// <param name="momentum">The momentum.</param>
    public MomentumSgd(double learningRate, double momentum)
    {
        LearningRate = learningRate;
        Momentum = momentum;
    }

    /// <summary>The learning rate (set it through <c>TrainerContext.SetLearningRate</c> in a callback).</summary>
    public double LearningRate { get; set; }

    /// <summary>The momentum.</summary>
    public double Momentum { get; }
}
