using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests;

public class ErrorPolicyTests
{
    public static TheoryData<Hook> TrainingHooks => new()
    {
        Hook.TrainStart, Hook.TrainEpochStart, Hook.TrainBatchStart, Hook.TrainBatchEnd, Hook.TrainEpochEnd,
        Hook.ValidationStart, Hook.ValidationEpochStart, Hook.ValidationBatchStart, Hook.ValidationBatchEnd,
        Hook.ValidationEpochEnd, Hook.ValidationEnd,
    };

    [Theory]
    [MemberData(nameof(TrainingHooks))]
    public void A_throwing_hook_gives_Exception_to_every_callback_then_TrainEnd_Failed_and_a_named_exception(Hook hook)
    {
        var log = new List<string>();
        var failing = new ProbeCallback(log, "failing", priority: 1) { ThrowIn = hook };
        var witness = new ProbeCallback(log, "witness");
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { failing, witness });

        CallbackException? besideIt = null;
        witness.OnHook = (h, context) => besideIt = h == Hook.Exception ? context.CallbackFailure : besideIt;

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(new NoOpModule(), Data.Batches(2), Data.Batches(2)));

        Assert.Equal(hook, error.Hook);
        Assert.Equal("failing", error.StateKey);
        Assert.Contains("'DreamTrainer.Tests.ProbeCallback'", error.Message);
        Assert.Contains($"On{hook}", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal($"failing fails in {hook}", error.InnerException!.Message);
        Assert.Equal(new[] { "failing.Exception(InvalidOperationException)", "witness.Exception(InvalidOperationException)", "failing.TrainEnd(Failed)", "witness.TrainEnd(Failed)" }, log.TakeLast(4));

        // OnException gets what the callback threw (Lightning's on_exception); the wrapper naming it is beside it.
        Assert.Same(error.InnerException, witness.LastException);
        Assert.Same(error, besideIt);
        Assert.Single(log, l => l == $"failing.{hook}" || l.StartsWith($"failing.{hook}(", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failure_inside_OnException_is_aggregated_and_never_replaces_the_original()
    {
        var log = new List<string>();
        var failing = new ProbeCallback(log, "failing") { ThrowIn = Hook.TrainBatchEnd };
        var clumsy = new ProbeCallback(log, "clumsy") { ThrowIn = Hook.Exception };
        var witness = new ProbeCallback(log, "witness");
        var trainer = new Trainer(new TrainerOptions(), new CallbackCollection { failing, clumsy, witness });

        var error = Assert.Throws<AggregateException>(() => trainer.Fit(new NoOpModule(), Data.Batches(1)));

        var original = Assert.IsType<CallbackException>(error.InnerExceptions[0]);
        Assert.Equal(Hook.TrainBatchEnd, original.Hook);
        var secondary = Assert.IsType<CallbackException>(error.InnerExceptions[1]);
        Assert.Equal(Hook.Exception, secondary.Hook);
        Assert.Contains("witness.Exception(InvalidOperationException)", log);
        Assert.Same(original.InnerException, witness.LastException);
        Assert.Contains("witness.TrainEnd(Failed)", log);
    }

    [Fact]
    public void A_failing_step_gives_OnException_the_step_exception_and_no_callback_failure()
    {
        var log = new List<string>();
        var witness = new ProbeCallback(log, "witness");
        CallbackException? besideIt = new("x", "x", Hook.TrainStart, new InvalidOperationException());
        witness.OnHook = (h, context) => besideIt = h == Hook.Exception ? context.CallbackFailure : besideIt;
        var module = new NoOpModule { Train = (batch, _) => batch == 1 ? throw new DivideByZeroException("step 1") : 0.5 };

        var error = Assert.Throws<DivideByZeroException>(() => new Trainer(new TrainerOptions(), new CallbackCollection { witness }).Fit(module, Data.Batches(3)));

        Assert.Same(error, witness.LastException);
        Assert.Null(besideIt);
        Assert.Equal(new[] { "witness.Exception(DivideByZeroException)", "witness.TrainEnd(Failed)" }, log.TakeLast(2));
    }

    [Fact]
    public void A_failure_in_TrainEnd_after_a_completed_run_still_reaches_every_callback_then_throws()
    {
        var log = new List<string>();
        var failing = new ProbeCallback(log, "failing", priority: 1) { ThrowIn = Hook.TrainEnd };
        var witness = new ProbeCallback(log, "witness");
        var trainer = new Trainer(new TrainerOptions(), new CallbackCollection { failing, witness });

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(new NoOpModule(), Data.Batches(1)));

        Assert.Equal(Hook.TrainEnd, error.Hook);
        Assert.Equal(new[] { "failing.TrainEnd(Completed)", "witness.TrainEnd(Completed)" }, log.TakeLast(2));
    }

    [Fact]
    public void An_isolated_callback_failure_is_reported_and_training_goes_on()
    {
        var log = new List<string>();
        var flaky = new ProbeCallback(log, "flaky", HookMask.TrainBatchEnd) { ThrowIn = Hook.TrainBatchEnd, ErrorPolicy = CallbackErrorPolicy.Isolate };
        var witness = new ProbeCallback(log, "witness", HookMask.TrainEnd);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { flaky, witness });

        TrainResult result = trainer.Fit(new NoOpModule(), Data.Batches(3));

        Assert.Equal(TrainEndReason.Completed, result.Reason);
        Assert.Equal(6, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal(Hook.TrainBatchEnd, e.Hook));
        Assert.Equal("DreamTrainer.Tests.ProbeCallback", result.Errors[0].Source);
        Assert.Equal(3, result.History[0]["callback_errors"]);
        Assert.Equal("witness.TrainEnd(Completed)", log[^1]);
    }

    [Fact]
    public void Stop_requests_from_two_callbacks_are_combined()
    {
        var log = new List<string>();
        var first = new ProbeCallback(log, "first", HookMask.TrainEpochEnd) { OnHook = (h, c) => c.RequestStop("first says stop") };
        var second = new ProbeCallback(log, "second", HookMask.TrainEpochEnd) { OnHook = (h, c) => c.RequestStop("second says stop") };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { first, second });

        TrainResult result = trainer.Fit(new NoOpModule(), Data.Batches(1));

        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.Equal(1, result.EpochsCompleted);
        Assert.Equal("first says stop", result.StopReason);
        Assert.Equal(new[] { "first says stop", "second says stop" }, trainer.Context!.StopReasons);
    }

    [Fact]
    public void ReportError_keeps_training_and_lists_the_error()
    {
        var probe = new ProbeCallback(new List<string>(), "reporter", HookMask.TrainEpochEnd)
        {
            OnHook = (h, c) => c.ReportError(new TimeoutException("disk slow")),
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { probe });

        TrainResult result = trainer.Fit(new NoOpModule(), Data.Batches(1));

        Assert.Equal(2, result.Errors.Count);
        Assert.IsType<TimeoutException>(result.Errors[0].Exception);
        Assert.Equal(TrainEndReason.Completed, result.Reason);
    }
}
