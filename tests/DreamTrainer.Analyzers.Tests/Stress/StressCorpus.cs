using System;
using System.Collections.Generic;
using System.Linq;

namespace DreamTrainer.Analyzers.Tests.Stress;

/// <summary>One source file of the corpus.</summary>
/// <param name="Path">Its path; <c>.g.cs</c> and <c>.Designer.cs</c> files are generated code.</param>
/// <param name="Text">Its text.</param>
/// <param name="PlantedMutations">The DT0201 diagnostics it must produce: one per callback class the analyzers look at.</param>
internal sealed record CorpusFile(string Path, string Text, int PlantedMutations);

/// <summary>
/// The stress corpus of issue 11: every shape of <see cref="StressShapes"/> in every kind of class a
/// callback can be — nested (in a static class, a generic record struct, a ref struct), generic,
/// a record, derived, names differing only in case, names that are keywords, [Obsolete] members,
/// a class that already carries [GeneratedCode] (a designer's half), a class in a generated file —
/// plus a pipeline of them. Each class also plants one trainer mutation at the end of a
/// null-conditional chain, so the corpus proves the mutation walk ran and found it.
/// </summary>
internal static class StressCorpus
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using DreamTrainer;
        using Corpus;

        """;

    private const string Support = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        namespace Corpus;

        public sealed class Tensor
        {
            public float Value { get; set; }
            public Tensor requires_grad_(bool value) => this;
            public Tensor detach() => this;
            public float item() => Value;
        }

        public sealed class Net
        {
            public int Frozen;
            public Tensor Weight { get; } = new();
            public Tensor[] parameters() => new[] { Weight };
        }

        public static class CorpusSupport
        {
            private static readonly int[] Slots = new int[64];
            public static void Bump(ref int value) => value++;
            public static void Read(in long value) { }
            public static ref int Slot(int index) => ref Slots[index & 63];
            public static T Id<T>(T value) => value;
            public static List<T> Make<T>(T value) => new() { value };
            public static int Twice(this string text) => text.Length * 2;
            public static string Shout(this string text) => text.ToUpperInvariant();
            public static async IAsyncEnumerable<int> CountAsync(int count)
            {
                for (int i = 0; i < count; i++) { await Task.Yield(); yield return i; }
            }

            public readonly record struct Point(int X, int Y);
            public sealed class Nothing : IDisposable { public void Dispose() { } }
            public sealed class AsyncNothing : IAsyncDisposable { public ValueTask DisposeAsync() => default; }
        }
        """;

    /// <summary>Callback classes per shape (Plain, plain, Inner, Deep.Mid.Inner, Box, Rec, BaseCallback, Derived, Designer, Generated, @event, Legacy, Frame.Inner).</summary>
    public const int CallbacksPerShape = 13;

    public static int CallbackCount => StressShapes.All.Count * CallbacksPerShape;

    public static IReadOnlyList<CorpusFile> Files { get; } = Build();

    private static List<CorpusFile> Build()
    {
        var files = new List<CorpusFile> { new("Support.cs", Support, 0) };
        for (int i = 0; i < StressShapes.All.Count; i++)
        {
            (string name, string body) = StressShapes.All[i];
            string ns = $"Corpus.S{i:00}";
            string header = $"{Usings}// Shape: {name}\nnamespace {ns};\n\n";
            void Add(string file, string text, int planted) => files.Add(new CorpusFile($"S{i:00}/{file}", text, planted));

            Add("Plain.cs", header + "public sealed partial class Plain\n" + Members("Plain", body), 1);
            Add("plain_lower.cs", header + "public sealed partial class plain\n" + Members("plain", body), 1);
            Add("Nested.cs", header + "public static partial class Outer\n{\n    public sealed partial class Inner\n" + Indent(Members("Inner", body)) + "}\n", 1);
            Add("NestedGeneric.cs", header + "public partial class Deep<T> where T : notnull\n{\n    public readonly partial record struct Mid\n    {\n        public sealed partial class Inner\n" + Indent(Indent(Members("Inner", body))) + "    }\n}\n", 1);
            Add("Generic.cs", header + "public sealed partial class Box<T> where T : class, new()\n" + Members("Box<T>", body), 1);
            Add("Record.cs", header + "public sealed partial record Rec\n" + Members("Rec", body), 1);
            Add("Derived.cs", header + """
                public abstract partial class BaseCallback
                {
                    protected TrainEndReason Ended { get; private set; }

                    [OnTrainEnd] protected void End(TrainEndReason reason) => Ended = reason;
                }

                public sealed partial class Derived : BaseCallback

                """ + Members("Derived", body), 1);
            Add("Designer.Designer.cs", "// <auto-generated/>\n" + header + """
                [global::System.CodeDom.Compiler.GeneratedCodeAttribute("System.Resources.Tools.StronglyTypedResourceBuilder", "17.0.0.0")]
                [global::System.Diagnostics.DebuggerNonUserCodeAttribute()]
                public sealed partial class Designer
                {
                    internal static string Resource => "resource";
                }
                """, 0);
            Add("Designer.cs", header + "partial class Designer\n" + Members("Designer", body), 1);
            Add("Generated.g.cs", "// <auto-generated/>\n" + header + "public sealed partial class Generated\n" + Members("Generated", body), 0);
            Add("Keyword.cs", header + "public sealed partial class @event\n" + Members("@event", body, batch: "@checked", start: "@return", extra: "[CallbackState] private int @int;"), 1);
            Add("Obsolete.cs", header + "public sealed partial class Legacy\n" + Members("Legacy", body, hookAttribute: ", Obsolete(\"use the new one\")", extra: "[CallbackState, Obsolete(\"old\")] private int _old;"), 1);
            Add("RefStruct.cs", header + "public ref partial struct Frame\n{\n    public sealed partial class Inner\n" + Indent(Members("Inner", body)) + "}\n", 1);
            Add("Pipeline.cs", header + """
                [CallbackPipeline]
                public sealed partial class Pipeline
                {
                    public Plain Upper { get; } = new();
                    public plain Lower { get; } = new();
                    public @event @default { get; } = new();
                    [Obsolete("old")] public Legacy? Optional { get; set; }
                    public Box<object> Boxed { get; } = new();
                    public Rec? Record { get; set; }
                    public Derived Derived { get; } = new();
                    public Outer.Inner Nested { get; } = new();
                    public Generated Generated { get; } = new();
                    public Designer Designer { get; } = new();
                }
                """, 0);
        }

        return files;
    }

    /// <summary>The members every corpus class has: the shape as a batch hook, the planted mutation, a correct catch.</summary>
    private static string Members(string self, string body, string batch = "Batch", string start = "Start", string hookAttribute = "", string extra = "") => $$"""
        {
            private string? _name = "corpus";
            private string?[]? _names = ["a", null];
            private {{self}}? _self;
            private readonly double[] _window = new double[4];
            private Dictionary<string, double>? _map = new();
            private Action<int>? _onStep = null;
            [CallbackState] private int _seen;
            {{extra}}

            internal {{self}}? Self() => _self;

            internal void Touch() => _seen++;

            [OnTrainBatchEnd{{hookAttribute}}]
            void {{batch}}(TrainerContext trainer, in StepOutput output, int batchIndex, long globalStep)
            {
        {{Indent(Indent(body))}}
            }

            [OnTrainStart{{hookAttribute}}]
            void {{start}}(TrainerContext trainer)
            {
                (trainer.Model as Net)?.Weight?.requires_grad_(false);
            }

            [OnException{{hookAttribute}}]
            void Failed(TrainerContext trainer, Exception exception)
            {
                try { Touch(); }
                catch (InvalidOperationException e) { trainer.ReportError(e); }
            }
        }

        """;

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));
}
