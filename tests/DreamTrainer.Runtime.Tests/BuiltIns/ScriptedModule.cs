using System;
using System.IO;

namespace DreamTrainer.Tests.BuiltIns;

/// <summary>
/// A module whose validation loss follows a script (one value per epoch), with an optimizer
/// (learning rate, momentum) and a "weight" that records the last epoch trained, so snapshot and
/// restore are observable.
/// </summary>
internal sealed class ScriptedModule : ITrainingModule<int>, ILearningRateControl, IModelStateControl
{
    private readonly double[] _validationLosses;

    public ScriptedModule(double[] validationLosses, double learningRate = 0.1)
    {
        _validationLosses = validationLosses;
        Rate = learningRate;
    }

    public double Rate { get; set; }

    /// <summary>The epoch whose training last changed the weights.</summary>
    public int Weight { get; set; } = -1;

    public Func<int, double>? TrainLoss { get; set; }

    /// <summary>A cancellation <see cref="Save"/> honours, as an engine writing a large state would.</summary>
    public System.Threading.CancellationToken Token { get; set; }

    /// <summary>Makes <see cref="Load"/> fail, as an engine given bytes it cannot read does.</summary>
    public bool Fail { get; set; }

    public int GroupCount => 1;

    public StepResult TrainingStep(int batch, TrainerContext context)
    {
        Weight = context.Epoch;
        return TrainLoss?.Invoke(context.Epoch) ?? 1.0 / (context.Epoch + 1);
    }

    public StepResult ValidationStep(int batch, TrainerContext context) => _validationLosses[Math.Min(context.Epoch, _validationLosses.Length - 1)];

    public double GetLearningRate(int group) => Rate;

    public void SetLearningRate(int group, double learningRate) => Rate = learningRate;

    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = 0.9;
        return true;
    }

    /// <summary>How many times the state was taken (<see cref="Save"/>).</summary>
    public int Saves { get; private set; }

    public void Save(Stream destination)
    {
        Saves++;
        Token.ThrowIfCancellationRequested();
        new BinaryWriter(destination).Write(Weight);
    }

    public void Load(Stream source) => Weight = Fail ? throw new InvalidDataException("not a state of this model") : new BinaryReader(source).ReadInt32();

    public object CreateSnapshot() => Weight;

    public void Restore(object snapshot) => Weight = (int)snapshot;
}
