using System;
using System.Threading;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Distributed.Worker;

/// <summary>The digits MLP, with a failure or a hang injected into one rank's training step.</summary>
internal sealed class InjectingModule : ITrainingModule<DigitsBatch>
{
    private readonly DigitsMlp _network;
    private readonly WorkerOptions _options;
    private readonly int _rank;

    public InjectingModule(DigitsMlp network, WorkerOptions options, int rank)
    {
        _network = network;
        _options = options;
        _rank = rank;
    }

    object? ITrainingModule<DigitsBatch>.Model => _network;

    ILearningRateControl? ITrainingModule<DigitsBatch>.LearningRates => _network;

    IModelStateControl? ITrainingModule<DigitsBatch>.ModelState => _network;

    IProcessGroup? ITrainingModule<DigitsBatch>.ProcessGroup => _network.ProcessGroup;

    public StepResult TrainingStep(DigitsBatch batch, TrainerContext context)
    {
        if (_rank == _options.FailRank && context.GlobalStep == _options.FailStep)
        {
            throw new InvalidOperationException($"injected failure in the training step at global step {context.GlobalStep}");
        }

        if (_rank == _options.HangRank && context.GlobalStep == _options.HangStep)
        {
            Thread.Sleep(Timeout.Infinite);
        }

        return _network.TrainingStep(batch, context);
    }

    public StepResult ValidationStep(DigitsBatch batch, TrainerContext context) => _network.ValidationStep(batch, context);
}
