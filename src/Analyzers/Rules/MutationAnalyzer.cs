using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// DT0201: inside a callback, a write that reaches trainer state other than through the sanctioned
/// controls (members marked <c>[TrainerControl]</c>). "Trainer state" is the context and every
/// object reached from it — model, optimizer, parameters, tensors — also through simple local
/// aliases, through fields of the callback that hold it (set from <c>context.Model</c>, or from a
/// constructor parameter of a model type: TorchSharp's <c>Module</c>/<c>Optimizer</c>, the runtime's
/// training module and engine seams, or a type the class casts the model to), and through the
/// parameters of the class's own methods it is passed to. Writes are assignments (simple, compound, <c>++</c>/<c>--</c>), <c>ref</c>/<c>out</c>
/// arguments, calls of in-place methods (name ending in <c>_</c>) and calls of known mutators
/// (<c>train</c>, <c>eval</c>, <c>to</c>, <c>zero_grad</c>, <c>step</c>, <c>load</c>, …; extend the list
/// with <c>dreamtrainer_additional_mutators = a, b</c> in .editorconfig).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MutationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The .editorconfig key that adds method names to the mutator list.</summary>
    public const string AdditionalMutatorsKey = "dreamtrainer_additional_mutators";

    internal static readonly ImmutableHashSet<string> KnownMutators = ImmutableHashSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "train", "eval", "to", "cuda", "cpu", "half", "float", "double", "bfloat16", "zero_grad", "step",
        "load", "load_state_dict", "apply", "register_buffer", "register_parameter", "register_module",
        "requires_grad", "set_requires_grad", "reset_parameters", "clear", "add_param_group");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MutatesTrainerState);

    /// <summary>How many rounds collect where trainer state flows in one class before the report.</summary>
    private const int MaxFactRounds = 8;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation, start.Options) is not { } known)
            {
                return;
            }

            start.RegisterSymbolStartAction(symbolStart => OnType(symbolStart, known), SymbolKind.NamedType);
        });
    }

    /// <summary>
    /// Collects every body of a callback class (and of the classes nested in one), then, at the end
    /// of the class, learns where trainer state flows — fields, helper parameters — and reports.
    /// </summary>
    private static void OnType(SymbolStartAnalysisContext context, KnownSymbols known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!IsCallbackOrInside(type, known))
        {
            return;
        }

        var bodies = new ConcurrentQueue<(ISymbol Owner, ImmutableArray<IOperation> Blocks)>();
        context.RegisterOperationBlockAction(block =>
        {
            // A nested type's bodies belong to its own start action.
            if (SymbolEqualityComparer.Default.Equals(block.OwningSymbol.ContainingType, type))
            {
                bodies.Enqueue((block.OwningSymbol, block.OperationBlocks));
            }
        });

        context.RegisterSymbolEndAction(end =>
        {
            var facts = new TrainerStateFacts(type, known);
            var ordered = bodies.ToArray();
            for (int round = 0; round < MaxFactRounds; round++)
            {
                facts.Changed = false;
                foreach ((ISymbol owner, ImmutableArray<IOperation> blocks) in ordered)
                {
                    foreach (IOperation root in blocks)
                    {
                        new MutationWalker(known, facts, KnownMutators, end.CancellationToken, report: null).Analyze(root);
                    }
                }

                if (!facts.Changed)
                {
                    break;
                }
            }

            foreach ((ISymbol owner, ImmutableArray<IOperation> blocks) in ordered)
            {
                ImmutableHashSet<string> mutators = ReadMutators(owner, end.Options);
                foreach (IOperation root in blocks)
                {
                    new MutationWalker(known, facts, mutators, end.CancellationToken, end.ReportDiagnostic).Analyze(root);
                }
            }
        });
    }

    private static bool IsCallbackOrInside(INamedTypeSymbol type, KnownSymbols known)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (known.IsCallbackClass(current))
            {
                return true;
            }
        }

        return false;
    }

    private static ImmutableHashSet<string> ReadMutators(ISymbol owner, AnalyzerOptions options)
    {
        SyntaxTree? tree = owner.DeclaringSyntaxReferences.Length > 0 ? owner.DeclaringSyntaxReferences[0].SyntaxTree : null;
        if (tree is null || !options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(AdditionalMutatorsKey, out string? extra))
        {
            return KnownMutators;
        }

        ImmutableHashSet<string>.Builder builder = KnownMutators.ToBuilder();
        foreach (string name in extra.Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Add(name.Trim());
        }

        return builder.ToImmutable();
    }

}
