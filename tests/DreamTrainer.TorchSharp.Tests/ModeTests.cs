using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>Train/eval modes switch at phase changes only and keep what the user set on submodules (Lightning 2.2's rule).</summary>
public sealed class ModeTests
{
    [Fact]
    public void A_batch_norm_the_user_froze_in_eval_mode_stays_frozen_through_training_and_validation()
    {
        using var module = new TestNet(parameters => optim.SGD(parameters, 0.05), withNorm: true);
        nn.Module norm = module.Model.named_modules().Single(m => m.name == "norm").module;
        nn.Module dropout = module.Model.named_modules().Single(m => m.name == "drop").module;
        norm.eval();
        float[] runningMean = norm.named_buffers().Single(b => b.name == "running_mean").buffer.data<float>().ToArray();
        var training = new List<(bool Norm, bool Dropout)>();
        var validation = new List<(bool Norm, bool Dropout)>();
        var probe = new LambdaCallback
        {
            OnTrainBatchEnd = (context, in output, batchIndex, step) => training.Add((norm.training, dropout.training)),
            OnValidationBatchEnd = (context, in output, batchIndex, step) => validation.Add((norm.training, dropout.training)),
        };

        new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { probe }).Fit(module, TestNet.Loader(96), TestNet.Loader(64, 32, null));

        Assert.Equal(9, training.Count);
        Assert.All(training, modes => Assert.Equal((false, true), modes));
        Assert.Equal(6, validation.Count);
        Assert.All(validation, modes => Assert.Equal((false, false), modes));
        Assert.Equal(runningMean, norm.named_buffers().Single(b => b.name == "running_mean").buffer.data<float>().ToArray());
    }
}
