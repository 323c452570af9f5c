using System.Threading.Tasks;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.CodeFixes;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.CodeFixes;

/// <summary>DT0107 / DT0108: the way forward for a callback ported from Keras or Lightning.</summary>
public class AddHookAttributeCodeFixTests
{
    private const string Key = "DreamTrainer.UseHookAttribute";

    [Fact]
    public async Task Marks_a_method_named_like_a_hook_with_the_hook_attribute()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new AddHookAttributeCodeFix(), """
            using DreamTrainer;

            public sealed partial class MyCallback
            {
                /// <summary>Called after each training batch.</summary>
                public void on_train_batch_end(TrainerContext trainer, in StepOutput outputs, int batchIndex)
                {
                }
            }
            """, Key, fixAll: false);

        Assert.Equal("""
            using DreamTrainer;

            public sealed partial class MyCallback
            {
                /// <summary>Called after each training batch.</summary>
                [OnTrainBatchEnd]
                public void on_train_batch_end(TrainerContext trainer, in StepOutput outputs, int batchIndex)
                {
                }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Fix_all_marks_every_ported_method_drops_overrides_of_the_missing_base_and_adds_the_using()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new AddHookAttributeCodeFix(), """
            namespace Ported;

            public class LossMonitor : Callback
            {
                public override void on_epoch_begin(int epoch)
                {
                }

                public override void OnEpochEnd(int epoch)
                {
                }

                [OnBatchEnd(Priority = 2)]
                void Batch()
                {
                }
            }
            """, Key, fixAll: true);

        Assert.Equal("""
            using DreamTrainer;

            namespace Ported;

            public class LossMonitor : Callback
            {
                [OnTrainEpochStart]
                public void on_epoch_begin(int epoch)
                {
                }

                [OnTrainEpochEnd]
                public void OnEpochEnd(int epoch)
                {
                }

                [OnTrainBatchEnd(Priority = 2)]
                void Batch()
                {
                }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Renames_an_unknown_hook_attribute_keeping_its_arguments()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new AddHookAttributeCodeFix(), """
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnEpochBegin(Priority = 5)] void Begin(int epoch) { }
            }
            """, Key, fixAll: false);

        Assert.Equal("""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnTrainEpochStart(Priority = 5)] void Begin(int epoch) { }
            }
            """, fixedSource);
    }
}
