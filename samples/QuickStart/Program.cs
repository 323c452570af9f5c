using System;
using System.Collections.Generic;
using DreamTrainer;

// A minimal run: fit y = 3x + 1 by gradient descent, with a callback that prints each epoch
// and stops once the validation loss is small enough.
var random = new Random(42);
var train = new List<(double X, double Y)>();
for (int i = 0; i < 256; i++)
{
    double x = random.NextDouble() * 2 - 1;
    train.Add((x, 3 * x + 1 + (random.NextDouble() - 0.5) * 0.01));
}

var validation = train.GetRange(200, 56);
train.RemoveRange(200, 56);

var trainer = new Trainer(new TrainerOptions { MaxEpochs = 50 }, new CallbackCollection { new EpochPrinter() });
var module = new LinearModule();
TrainResult result = trainer.Fit(module, train, validation);

Console.WriteLine($"Ended: {result.Reason} after {result.EpochsCompleted} epochs ({result.StopReason ?? "budget used"}); w={module.W:F3}, b={module.B:F3}");
return 0;

/// <summary>One weight, one bias, squared error, plain SGD.</summary>
internal sealed class LinearModule : ITrainingModule<(double X, double Y)>, ILearningRateControl
{
    private double _learningRate = 0.1;

    public double W { get; private set; }

    public double B { get; private set; }

    public int GroupCount => 1;

    public StepResult TrainingStep((double X, double Y) batch, TrainerContext context)
    {
        double error = W * batch.X + B - batch.Y;
        W -= _learningRate * 2 * error * batch.X;
        B -= _learningRate * 2 * error;
        return error * error;
    }

    public StepResult ValidationStep((double X, double Y) batch, TrainerContext context)
    {
        double error = W * batch.X + B - batch.Y;
        return error * error;
    }

    public double GetLearningRate(int group) => _learningRate;

    public void SetLearningRate(int group, double learningRate) => _learningRate = learningRate;

    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = double.NaN;
        return false;
    }
}
