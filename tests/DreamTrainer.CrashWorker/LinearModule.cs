using System;
using System.IO;

namespace DreamTrainer.CrashWorker;

/// <summary>One batch of the synthetic regression: inputs and targets.</summary>
public sealed record Batch(double[] X, double[] Y);

/// <summary>
/// y = w·x + b fitted by SGD with momentum: small, deterministic, with an optimizer state (the
/// momentum) that a checkpoint must keep for a resumed run to equal an uninterrupted one. The
/// validation set's bias differs from the training set's, so the validation loss falls, then
/// rises: early stopping and the plateau scheduler both act.
/// </summary>
public sealed class LinearModule : ITrainingModule<Batch>, ILearningRateControl, IModelStateControl
{
    private double _w;
    private double _b;
    private double _vw;
    private double _vb;

    public double Rate { get; private set; } = 0.05;

    public int GroupCount => 1;

    public double Weight => _w;

    public double Bias => _b;

    public static Batch[] TrainData(int batches, int size) => Make(batches, size, bias: 1.0, seed: 11);

    public static Batch[] ValidationData(int batches, int size) => Make(batches, size, bias: 0.3, seed: 23);

    public StepResult TrainingStep(Batch batch, TrainerContext context)
    {
        double loss = 0, gw = 0, gb = 0;
        for (int i = 0; i < batch.X.Length; i++)
        {
            double error = (_w * batch.X[i]) + _b - batch.Y[i];
            loss += error * error;
            gw += 2 * error * batch.X[i];
            gb += 2 * error;
        }

        int n = batch.X.Length;
        _vw = (0.9 * _vw) + (gw / n);
        _vb = (0.9 * _vb) + (gb / n);
        _w -= Rate * _vw;
        _b -= Rate * _vb;
        return new StepResult(loss / n, n);
    }

    public StepResult ValidationStep(Batch batch, TrainerContext context)
    {
        double loss = 0;
        for (int i = 0; i < batch.X.Length; i++)
        {
            double error = (_w * batch.X[i]) + _b - batch.Y[i];
            loss += error * error;
        }

        return new StepResult(loss / batch.X.Length, batch.X.Length);
    }

    public double GetLearningRate(int group) => Rate;

    public void SetLearningRate(int group, double learningRate) => Rate = learningRate;

    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = 0.9;
        return true;
    }

    public void Save(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(_w);
        writer.Write(_b);
        writer.Write(_vw);
        writer.Write(_vb);
    }

    public void Load(Stream source)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        _w = reader.ReadDouble();
        _b = reader.ReadDouble();
        _vw = reader.ReadDouble();
        _vb = reader.ReadDouble();
    }

    public object CreateSnapshot() => new[] { _w, _b };

    public void Restore(object snapshot)
    {
        var weights = (double[])snapshot;
        _w = weights[0];
        _b = weights[1];
    }

    /// <summary>A hash of the weights' bits: equal only when every bit is.</summary>
    public string WeightsHash()
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), _w);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), _b);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    private static Batch[] Make(int batches, int size, double bias, int seed)
    {
        var random = new Random(seed);
        var data = new Batch[batches];
        for (int b = 0; b < batches; b++)
        {
            var x = new double[size];
            var y = new double[size];
            for (int i = 0; i < size; i++)
            {
                x[i] = (random.NextDouble() * 2) - 1;
                y[i] = (2 * x[i]) + bias + ((random.NextDouble() - 0.5) * 0.1);
            }

            data[b] = new Batch(x, y);
        }

        return data;
    }
}
