using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0401: allocations on the per-batch path.</summary>
public class DT0401Tests
{
    [Fact]
    public void Allocations_in_batch_hooks_and_their_private_helpers_are_reported() => AnalyzerVerifier.Verify("""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using DreamTrainer;

        public sealed partial class Wasteful
        {
            private readonly List<double> _losses = new();
            private readonly double[] _window = new double[4];
            private string _name = "w";

            [OnTrainBatchEnd]
            void Record(TrainerContext trainer, in StepOutput output, long globalStep)
            {
                var list = {|DT0401:new List<int>()|};
                var array = {|DT0401:new double[8]|};
                string text = {|DT0401:"step " + globalStep|};
                string other = {|DT0401:$"loss {output.Loss}"|};
                object boxed = {|DT0401:globalStep|};
                double total = {|DT0401:_window.Sum()|};
                double loss = output.Loss;
                Func<double> capture = {|DT0401:() => loss + _window[0]|};
                Func<double, double> pure = x => x * 2;
                {|DT0401:Format("{0} {1}", 1.0, 2.0)|};
                Helper();
            }

            [OnValidationBatchStart]
            void Fine(int batchIndex)
            {
                _window[batchIndex % 4] = batchIndex;
                Span<double> stack = stackalloc double[2];
                if (batchIndex < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(batchIndex));
                }
            }

            [OnTrainEpochEnd]
            void EpochEndMayAllocate() => _losses.Add(_losses.Count);

            private void Helper() => _name = {|DT0401:_name + "!"|};

            private static void Format(string format, params double[] values) { }
        }
        """);

    private const string Sometimes = """
        using System;
        using DreamTrainer;

        public sealed partial class Reporter(int every)
        {
            private string _last = "";

            [OnTrainBatchEnd]
            void Report(TrainerContext trainer, in StepOutput output, long globalStep)
            {
                string label = output.Loss > 10 ? {|DT0401:"high " + output.Loss|} : "fine";
                try { _last = label.Trim(); }
                catch (FormatException e) { trainer.ReportError({|DT0401:new InvalidOperationException("label", e)|}); }
                if ((globalStep + 1) % every != 0)
                {
                    return;
                }

                Console.WriteLine({|DT0401:$"step {globalStep}: {output.Loss:F4}"|});
                Remember();
            }

            private void Remember() => _last = {|DT0401:_last + "."|};
        }
        """;

    [Fact]
    public void Allocations_only_under_a_condition_are_not_reported_by_default() =>
        AnalyzerVerifier.Verify(System.Text.RegularExpressions.Regex.Replace(Sometimes, @"\{\|DT0401:|\|\}", string.Empty));

    [Fact]
    public void Allocations_only_under_a_condition_are_reported_when_editorconfig_asks() =>
        AnalyzerVerifier.Verify(Sometimes, editorConfig: "dreamtrainer_report_conditional_allocations = true");

    [Fact]
    public void The_optimizer_step_hooks_run_on_every_batch_too() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Norms
        {
            private double[] _norms = new double[1];

            [OnAfterBackward]
            void Measure(GradientView gradients) => _norms = {|DT0401:new double[gradients.ParameterCount]|};

            [OnTrainEpochEnd]
            void Reset() => _norms = new double[1];
        }
        """);
}
