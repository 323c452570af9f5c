using Microsoft.CodeAnalysis;

namespace DreamTrainer.Generators;

/// <summary>Turns partial callback classes into ICallback implementations.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class CallbackGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
