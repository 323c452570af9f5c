using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DreamTrainer.Tests.Common;

namespace DreamTrainer.Analyzers.Tests.Precision;

/// <summary>
/// Callbacks whose DT0201 / DT0301 / DT0401 findings are labelled by hand with the markup of
/// <see cref="Infrastructure.AnalyzerVerifier"/>: a marked span is a true finding, anything else the
/// analyzers report is a false positive, a marked span they miss is a false negative. Labels follow
/// the rules as the docs pages state them (DT0401: allocations on every call; conditional ones are
/// off by default). Besides these cases, the guide's examples in samples/CustomCallbacks are
/// labelled "nothing to report": they are the code we tell users to write.
/// </summary>
internal static class LabelledCorpus
{
    /// <summary>A TorchSharp-shaped model: Net derives from a class with TorchSharp's metadata name.</summary>
    public const string Torch = """

        namespace TorchSharp
        {
            public static partial class torch
            {
                public static partial class nn
                {
                    public class Module
                    {
                        public Module train(bool on = true) => this;
                        public Module eval() => this;
                    }
                }
            }
        }

        public sealed class Tensor
        {
            public float Value { get; set; }
            public Tensor requires_grad_(bool value) => this;
            public Tensor mul_(double factor) => this;
            public Tensor detach() => this;
            public float item() => Value;
        }

        public sealed class Net : TorchSharp.torch.nn.Module
        {
            public int Frozen;
            public Tensor Weight { get; } = new();
            public Net requires_grad_(bool value) => this;
            public Tensor[] parameters() => new[] { Weight };
        }

        public static class Log
        {
            public static void Error(string message) { }
            public static void Error(System.Exception exception, string message) { }
        }
        """;

    public static IReadOnlyList<(string Name, string Markup)> Cases { get; } = new List<(string, string)>
    {
        ("DT0201 model passed to the constructor and kept in a field", """
            using DreamTrainer;

            public sealed partial class Freezer
            {
                private readonly Net _model;
                private readonly System.Collections.Generic.List<double> _history = new();

                public Freezer(Net model) => _model = model;

                [OnTrainEpochStart]
                void Freeze(int epoch)
                {
                    if (epoch == 5) {|DT0201:_model.requires_grad_(false)|};
                    {|DT0201:_model.Frozen = epoch|};
                    _history.Clear();
                }
            }
            """),
        ("DT0201 model captured by a primary constructor", """
            using DreamTrainer;

            public sealed partial class Evaluator(Net model)
            {
                [OnValidationStart] void Start() => {|DT0201:model.eval()|};
            }
            """),
        ("DT0201 a field that caches context.Model", """
            using DreamTrainer;

            public sealed partial class Cacher
            {
                private Net? _net;
                private object? _raw;

                [OnTrainStart]
                void Start(TrainerContext trainer)
                {
                    _net = trainer.Model as Net;
                    _raw = trainer.Model;
                }

                [OnTrainEpochEnd]
                void End(int epoch)
                {
                    _net?{|DT0201:.Weight.mul_(0.5)|};
                    {|DT0201:((Net)_raw!).requires_grad_(false)|};
                }
            }
            """),
        ("DT0201 a private helper that does the mutation", """
            using DreamTrainer;

            public sealed partial class Unfreezer
            {
                [OnTrainEpochStart]
                void Start(TrainerContext trainer, int epoch)
                {
                    if (epoch == 3) Unfreeze(trainer.Model!);
                    Scale(((Net)trainer.Model!).Weight, 0.5);
                }

                private static void Unfreeze(object model) => {|DT0201:((Net)model).requires_grad_(true)|};

                private void Scale(Tensor weight, double factor) => {|DT0201:weight.mul_(factor)|};
            }
            """),
        ("DT0201 the callback's own copies are not trainer state", """
            using DreamTrainer;

            public sealed partial class Ema
            {
                private readonly Net _shadow = new();
                private readonly System.Collections.Generic.List<Tensor> _kept = new();

                [OnTrainBatchEnd]
                void Update(TrainerContext trainer)
                {
                    _shadow.Weight.mul_(0.99);
                    Decay(_shadow.Weight);
                    _kept.Clear();
                    float live = ((Net)trainer.Model!).Weight.detach().item();
                    _shadow.Weight.Value = live;
                }

                private static void Decay(Tensor tensor) => tensor.mul_(0.5);
            }
            """),
        ("DT0201 the analyzer tests' direct writes", """
            using DreamTrainer;

            public sealed partial class Meddler
            {
                [OnTrainEpochEnd]
                void Meddle(TrainerContext trainer)
                {
                    {|DT0201:((Net)trainer.Model!).requires_grad_(false)|};
                    var net = trainer.Model as Net;
                    if (net is null) return;
                    {|DT0201:net.Frozen += 2|};
                    {|DT0201:net.Weight.Value = 1|};
                    foreach (var parameter in net.parameters())
                    {
                        {|DT0201:parameter.requires_grad_(false)|};
                    }

                    trainer.SetLearningRate(trainer.LearningRate * 0.5);
                    trainer.RequestStop("done");
                }
            }
            """),
        ("DT0301 the guide's log-and-carry-on", """
            using System;
            using DreamTrainer;

            public sealed partial class ErrorHandlingCallback
            {
                [OnTrainEpochEnd]
                void Run(TrainerContext trainer)
                {
                    try { Risky(); }
                    {|DT0301:catch|} (Exception e) { Log.Error($"Callback error: {e.Message}"); }

                    try { Risky(); }
                    {|DT0301:catch|} (Exception e) { Console.WriteLine(e.Message); }

                    try { Risky(); }
                    {|DT0301:catch|} (Exception e) { Console.WriteLine("failed: " + e.HResult); }

                    try { Risky(); }
                    {|DT0301:catch|} (Exception e) { Console.Error.WriteLine($"Callback error: {e}"); }

                    try { Risky(); }
                    {|DT0301:catch|} (Exception e) { Console.WriteLine(e); }

                    try { Risky(); }
                    {|DT0301:catch|} (Exception e) { Log.Error("Callback error"); }
                }

                private static void Risky() { }
            }
            """),
        ("DT0301 handing the exception on", """
            using System;
            using DreamTrainer;

            public sealed partial class Careful
            {
                private readonly System.Collections.Generic.List<Exception> _errors = new();

                [OnTrainEpochEnd]
                void Run(TrainerContext trainer)
                {
                    try { Risky(); }
                    catch (Exception e) { trainer.ReportError(e); }

                    try { Risky(); }
                    catch (InvalidOperationException e) { Log.Error(e, "retrying"); }

                    try { Risky(); }
                    catch (Exception e) { throw new InvalidOperationException("wrapped", e); }

                    try { Risky(); }
                    catch (Exception e) { Console.WriteLine(e.Message); throw; }

                    try { Risky(); }
                    catch (Exception e) { _errors.Add(e); }

                    try { Risky(); }
                    catch (Exception e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw(); }
                }

                private static void Risky() { }
            }
            """),
        ("DT0301 empty and unnamed catches", """
            using System;
            using DreamTrainer;

            public sealed partial class Cleanup
            {
                private int _failures;

                [OnTrainEnd]
                void Close()
                {
                    try { Risky(); } {|DT0301:catch|} (Exception) { _failures++; }
                    try { Risky(); } {|DT0301:catch|} { }
                    try { Risky(); } {|DT0301:catch|} (Exception e) { }
                }

                private static void Risky() { }
            }
            """),
        ("DT0401 every call and only sometimes", """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using DreamTrainer;

            public sealed partial class Recorder(int every)
            {
                private readonly double[] _window = new double[4];
                private string _name = "w";

                [OnTrainBatchEnd]
                void Record(TrainerContext trainer, in StepOutput output, long globalStep)
                {
                    var list = {|DT0401:new List<int>()|};
                    string text = {|DT0401:$"loss {output.Loss}"|};
                    double total = {|DT0401:_window.Sum()|};
                    foreach (double value in _window)
                    {
                        object boxed = {|DT0401:value|};
                    }

                    if (globalStep % every == 0)
                    {
                        Console.WriteLine($"step {globalStep}");
                    }

                    string label = output.Loss > 10 ? "loss " + output.Loss : "fine";
                    try { _name = _name.Trim(); }
                    catch (InvalidOperationException e) { trainer.ReportError(new AggregateException(e)); }

                    if (globalStep % every != 0)
                    {
                        return;
                    }

                    Console.WriteLine($"step {globalStep}: {output.Loss}");
                    Helper();
                }

                [OnValidationBatchEnd]
                void Validate(int batchIndex)
                {
                    if (batchIndex == 0) Helper();
                    Always();
                }

                private void Helper() => _name = _name + "!";

                private void Always() => _name = {|DT0401:_name + "?"|};
            }
            """),
    };

    /// <summary>
    /// The guide's callbacks in samples/CustomCallbacks, without their #pragma lines: nothing to report.
    /// They bind the digits sample's types; the test references its assembly.
    /// </summary>
    public static IReadOnlyList<(string Name, string Source)> GuideExamples()
    {
        string folder = Path.Combine(TestProcess.RepositoryRoot(), "samples", "CustomCallbacks");
        return new[]
            {
                "MyCallback.cs", "AllHooks.cs", "StatefulCallback.cs", "TrainerAwareCallback.cs", "TypedCallback.cs",
                "ErrorHandlingCallback.cs", "LossMonitor.cs", "GradientMonitor.cs", "MonitoringGroup.cs", "Priorities.cs",
            }
            .Select(file => (file, Regex.Replace(File.ReadAllText(Path.Combine(folder, file)), @"^\s*#pragma warning.*$", string.Empty, RegexOptions.Multiline)))
            .ToList();
    }
}
