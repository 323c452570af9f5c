using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0201: writes that reach trainer state outside the sanctioned controls.</summary>
public class DT0201Tests
{
    [Fact]
    public void The_guides_requires_grad_example_is_reported_also_through_a_local_alias() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Freezer
        {
            [OnTrainEpochStart]
            void Freeze(TrainerContext trainer)
            {
                {|DT0201:((Net)trainer.Model!).requires_grad_(false)|};
                var model = (Net)trainer.Model!;
                {|DT0201:model.requires_grad_(false)|};
                {|DT0201:model.Weight.requires_grad_(false)|};
            }
        }
        """ + TorchLike.Source);

    [Fact]
    public void Assigning_a_stop_flag_directly_is_reported_requesting_a_stop_is_not() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Stopper
        {
            [OnTrainEpochEnd]
            void Check(TrainerContext trainer, MetricsView metrics)
            {
                if (metrics["val_loss"] < 0.1)
                {
                    {|DT0201:((Net)trainer.Model!).StopTraining = true|};
                    trainer.RequestStop("good enough");
                }
            }
        }
        """ + TorchLike.Source);

    [Fact]
    public void Compound_assignment_increments_ref_arguments_and_element_writes_are_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Meddler
        {
            [OnTrainEpochEnd]
            void Meddle(TrainerContext trainer)
            {
                var net = trainer.Model as Net;
                if (net is null) return;
                {|DT0201:net.Frozen += 2|};
                {|DT0201:net.Frozen++|};
                Helpers.Touch({|DT0201:ref net.Frozen|});
                {|DT0201:net.Layers[0] = new Tensor()|};
                {|DT0201:net.Weight.Value = 1|};
                foreach (var parameter in net.parameters())
                {
                    {|DT0201:parameter.add_(parameter)|};
                }
            }
        }
        """ + TorchLike.Source);

    [Fact]
    public void Known_mutators_and_editorconfig_additions_are_reported() => AnalyzerVerifier.Verify(
        """
        using DreamTrainer;

        public sealed partial class Switcher
        {
            [OnValidationStart]
            void ToEval(TrainerContext trainer)
            {
                if (trainer.Model is Net net)
                {
                    {|DT0201:net.eval()|};
                    {|DT0201:net.freeze()|};
                    _ = net.Count();
                }
            }
        }
        """ + TorchLike.Source,
        editorConfig: "dreamtrainer_additional_mutators = freeze, unfreeze");

    [Fact]
    public void Sanctioned_controls_reads_and_own_state_are_not_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Polite
        {
            private int _seen;
            private float _last;

            [OnTrainEpochEnd]
            void Act(TrainerContext trainer, MetricsView metrics)
            {
                _seen++;
                trainer.Log("seen", _seen);
                trainer.SetLearningRate(trainer.LearningRate * 0.5);
                trainer.RequestCheckpoint();
                trainer.ReportError(new System.InvalidOperationException("note"));
                trainer.RequestStop("done");
                var copy = metrics.ToDictionary();
                copy["x"] = 1;
                if (trainer.Model is Net net)
                {
                    _last = net.Weight.detach().item();
                }
            }
        }
        """ + TorchLike.Source);

    [Fact]
    public void A_model_kept_from_the_constructor_is_reported_like_Keras_self_model() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Freezer
        {
            private readonly Net _model;

            public Freezer(Net model) => _model = model;

            [OnTrainEpochStart]
            void Freeze(int epoch)
            {
                if (epoch == 5) {|DT0201:_model.requires_grad_(false)|};
            }
        }

        public sealed partial class Switcher(Net model)
        {
            [OnValidationStart] void ToEval() => {|DT0201:model.eval()|};
        }
        """ + TorchLike.Source);

    [Fact]
    public void A_field_caching_context_Model_is_trainer_state() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Cacher
        {
            private Net? _net;
            private object? _raw;

            [OnTrainStart]
            void Start(TrainerContext trainer)
            {
                _net ??= trainer.Model as Net;
                _raw = trainer.Model;
            }

            [OnTrainEpochEnd]
            void End()
            {
                {|DT0201:_net!.Frozen++|};
                {|DT0201:((Net)_raw!).eval()|};
            }
        }
        """ + TorchLike.Source);

    [Fact]
    public void A_private_helper_handed_the_model_is_reported_where_it_mutates() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Unfreezer
        {
            [OnTrainEpochStart]
            void Start(TrainerContext trainer, int epoch)
            {
                if (epoch == 3) Thaw(trainer.Model!);
            }

            private void Thaw(object model) => Deeper((Net)model);

            private static void Deeper(Net net) => {|DT0201:net.Weight.requires_grad_(true)|};
        }
        """ + TorchLike.Source);

    [Fact]
    public void The_callbacks_own_copies_and_collections_are_not_trainer_state() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Ema
        {
            private readonly Net _shadow = new();
            private readonly System.Collections.Generic.List<Tensor> _kept = new();

            public Ema(System.Collections.Generic.List<Tensor> kept) => _kept = kept;

            [OnTrainBatchEnd]
            void Update(TrainerContext trainer)
            {
                _shadow.Weight.requires_grad_(false);
                Decay(_shadow);
                _kept.Clear();
                _shadow.Weight.Value = ((Net)trainer.Model!).Weight.detach().item();
            }

            private static void Decay(Net copy) => copy.eval();
        }
        """ + TorchLike.Source);

    [Fact]
    public void A_model_bound_by_its_type_is_trainer_state_and_clipping_through_the_gradient_view_is_sanctioned() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Guide
        {
            [OnTrainBatchEnd]
            void Batch(Net model, Tensor batch, Net? optimizer)
            {
                {|DT0201:model.requires_grad_(false)|};
                {|DT0201:model.Frozen = 1|};
                {|DT0201:optimizer!.train()|};
                batch.requires_grad_(false);
                float weight = model.Weight.item();
            }

            [OnBeforeOptimizerStep]
            void Clip(GradientView gradients, Net model)
            {
                gradients.ClipByNorm(1.0);
                gradients.ClipByValue(0.5);
            }

            void Helper(Net model) => model.train();
        }
        """ + TorchLike.Source);
}
