using System;
using System.Collections.Generic;
using Xunit;

namespace DreamTrainer.Tests;

public class BadInputTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void MaxEpochs_below_one_is_rejected_naming_the_option_and_value(int maxEpochs)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions { MaxEpochs = maxEpochs }));

        Assert.Equal("MaxEpochs", error.ParamName);
        Assert.Contains($"it was {maxEpochs}", error.Message);
    }

    [Fact]
    public void Other_out_of_range_options_name_themselves()
    {
        Assert.Equal("MaxSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions { MaxSteps = 0 })).ParamName);
        Assert.Equal("ValidateEveryNEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions { ValidateEveryNEpochs = 0 })).ParamName);
        Assert.Equal("LimitTrainBatches", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions { LimitTrainBatches = -2 })).ParamName);
        Assert.Equal("LimitValidationBatches", Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions { LimitValidationBatches = 0 })).ParamName);
    }

    [Fact]
    public void Null_module_or_training_data_is_rejected_naming_the_parameter()
    {
        var trainer = new Trainer(new TrainerOptions());

        Assert.Equal("module", Assert.Throws<ArgumentNullException>(() => trainer.Fit<int>(null!, Data.Batches(1))).ParamName);
        Assert.Equal("trainData", Assert.Throws<ArgumentNullException>(() => trainer.Fit(new NoOpModule(), null!)).ParamName);
    }

    [Fact]
    public void A_null_callback_is_rejected()
    {
        Assert.Equal("callback", Assert.Throws<ArgumentNullException>(() => new CallbackCollection().Add(null!)).ParamName);
    }

    [Fact]
    public void Learning_rate_controls_reject_bad_values_naming_them()
    {
        var probe = new ProbeCallback(new List<string>(), "lr", HookMask.TrainStart) { OnHook = (h, c) => c.SetLearningRate(-1) };
        var trainer = new Trainer(new TrainerOptions(), new CallbackCollection { probe });

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(new NoOpModule(), Data.Batches(1)));

        var inner = Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
        Assert.Equal("learningRate", inner.ParamName);
        Assert.Contains("it was -1", inner.Message);
    }

    [Fact]
    public void RequestCheckpoint_without_a_directory_says_which_option_is_missing()
    {
        var probe = new ProbeCallback(new List<string>(), "ckpt", HookMask.TrainStart) { OnHook = (h, c) => c.RequestCheckpoint() };
        var trainer = new Trainer(new TrainerOptions(), new CallbackCollection { probe });

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(new NoOpModule(), Data.Batches(1)));

        Assert.Contains("CheckpointDirectory", error.InnerException!.Message);
    }
}
