using System.Collections.Generic;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/lambda_callback_test.py (LambdaCallbackTest). Ported:
/// test_lambda_callback, test_lambda_callback_with_batches, test_lambda_callback_with_kwargs (its
/// <c>on_test_begin</c> is the validation pass's start here), test_lambda_callback_no_args. Not
/// applicable: test_lambda_callback_with_additional_kwargs (arbitrary attributes on a Python
/// object; a C# initializer accepts only the hooks) and test_lambda_callback_during_prediction
/// (the trainer has no predict loop).
/// </summary>
public class KerasLambdaCallbackTests
{
    private static void Fit(LambdaCallback callback, int epochs = 5) =>
        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection { callback }).Fit(new ParityModule(), new[] { 1, 2, 3, 4 }, new[] { 1 });

    // keras-team/keras keras/src/callbacks/lambda_callback_test.py::LambdaCallbackTest::test_lambda_callback
    [Fact]
    public void test_lambda_callback()
    {
        var logs = new List<string>();
        Fit(new LambdaCallback
        {
            OnTrainStart = _ => logs.Add("on_train_begin"),
            OnTrainEpochStart = (_, _) => logs.Add("on_epoch_begin"),
            OnTrainEpochEnd = (_, _, _) => logs.Add("on_epoch_end"),
            OnTrainEnd = (_, _) => logs.Add("on_train_end"),
        });

        Assert.Contains("on_train_begin", logs);
        Assert.Contains("on_epoch_begin", logs);
        Assert.Contains("on_epoch_end", logs);
        Assert.Contains("on_train_end", logs);
        Assert.Equal(1 + 5 + 5 + 1, logs.Count);
    }

    // keras-team/keras keras/src/callbacks/lambda_callback_test.py::LambdaCallbackTest::test_lambda_callback_with_batches
    [Fact]
    public void test_lambda_callback_with_batches()
    {
        var logs = new List<string>();
        Fit(new LambdaCallback
        {
            OnTrainBatchStart = (_, _, _) => logs.Add("on_train_batch_begin"),
            OnTrainBatchEnd = (TrainerContext _, in StepOutput _, int _, long _) => logs.Add("on_train_batch_end"),
        });

        Assert.Equal(5 * 4 * 2, logs.Count);
        Assert.Equal(new[] { "on_train_batch_begin", "on_train_batch_end" }, logs.GetRange(0, 2));
    }

    // keras-team/keras keras/src/callbacks/lambda_callback_test.py::LambdaCallbackTest::test_lambda_callback_with_kwargs
    [Fact]
    public void test_lambda_callback_with_kwargs()
    {
        var logs = new List<string>();
        Fit(
            new LambdaCallback
            {
                OnValidationStart = _ => logs.Add("custom_on_test_begin_executed"),
                OnValidationEpochStart = (_, _) => logs.Add("validation epoch start"),
                OnValidationBatchStart = (_, _, _) => logs.Add("validation batch start"),
                OnValidationEnd = _ => logs.Add("validation end"),
            },
            epochs: 1);

        Assert.Equal(new[] { "custom_on_test_begin_executed", "validation epoch start", "validation batch start", "validation end" }, logs);
    }

    // keras-team/keras keras/src/callbacks/lambda_callback_test.py::LambdaCallbackTest::test_lambda_callback_no_args
    [Fact]
    public void test_lambda_callback_no_args()
    {
        var callback = new LambdaCallback();

        Assert.Equal(HookMask.None, callback.Hooks);
        Fit(callback, epochs: 1);
    }
}
