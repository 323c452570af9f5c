namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>
/// A TorchSharp-shaped model and tensor for the mutation tests (the package is not available here);
/// <c>Net</c> derives from a class with TorchSharp's metadata name <c>TorchSharp.torch+nn+Module</c>.
/// </summary>
internal static class TorchLike
{
    public const string Source = """

        public sealed class Tensor
        {
            public float Value { get; set; }
            public Tensor requires_grad_(bool value) => this;
            public Tensor add_(Tensor other) => this;
            public Tensor detach() => this;
            public float item() => Value;
        }

        namespace TorchSharp
        {
            public static partial class torch
            {
                public static partial class nn
                {
                    public class Module { }
                }
            }
        }

        public sealed class Net : TorchSharp.torch.nn.Module
        {
            public bool StopTraining { get; set; }
            public int Frozen;
            public Tensor Weight { get; } = new();
            public Tensor[] Layers { get; } = new Tensor[2];
            public Net requires_grad_(bool value) => this;
            public void train() { }
            public void eval() { }
            public void freeze() { }
            public Tensor[] parameters() => Layers;
            public int Count() => Layers.Length;
        }

        public static class Helpers
        {
            public static void Touch(ref int value) => value++;
        }
        """;
}
