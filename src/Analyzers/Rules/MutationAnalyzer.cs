using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// DT0201: inside a callback, a write that reaches trainer state other than through the sanctioned
/// controls (members marked <c>[TrainerControl]</c>). "Trainer state" is the context and every
/// object reached from it — model, optimizer, parameters, tensors — also through simple local
/// aliases. Writes are assignments (simple, compound, <c>++</c>/<c>--</c>), <c>ref</c>/<c>out</c>
/// arguments, calls of in-place methods (name ending in <c>_</c>) and calls of known mutators
/// (<c>train</c>, <c>eval</c>, <c>to</c>, <c>zero_grad</c>, <c>step</c>, <c>load</c>, …; extend the list
/// with <c>dreamtrainer_additional_mutators = a, b</c> in .editorconfig).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MutationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The .editorconfig key that adds method names to the mutator list.</summary>
    public const string AdditionalMutatorsKey = "dreamtrainer_additional_mutators";

    private static readonly ImmutableHashSet<string> KnownMutators = ImmutableHashSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "train", "eval", "to", "cuda", "cpu", "half", "float", "double", "bfloat16", "zero_grad", "step",
        "load", "load_state_dict", "apply", "register_buffer", "register_parameter", "register_module",
        "requires_grad", "set_requires_grad", "reset_parameters", "clear", "add_param_group");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MutatesTrainerState);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { } known)
            {
                return;
            }

            start.RegisterOperationBlockAction(block =>
            {
                if (!CallbackScope.IsInCallback(block.OwningSymbol, known))
                {
                    return;
                }

                ImmutableHashSet<string> mutators = ReadMutators(block);
                foreach (IOperation root in block.OperationBlocks)
                {
                    new Walker(block, known, mutators).Analyze(root);
                }
            });
        });
    }

    private static ImmutableHashSet<string> ReadMutators(OperationBlockAnalysisContext block)
    {
        SyntaxTree? tree = block.OwningSymbol.DeclaringSyntaxReferences.Length > 0 ? block.OwningSymbol.DeclaringSyntaxReferences[0].SyntaxTree : null;
        if (tree is null || !block.Options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(AdditionalMutatorsKey, out string? extra))
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

    /// <summary>Walks one method body in order, tracking which locals alias trainer state.</summary>
    private sealed class Walker
    {
        /// <summary>How far a receiver chain (<c>a.b().c?.d</c>…) is followed back towards the context.</summary>
        private const int MaxChainSteps = 1000;

        private readonly OperationBlockAnalysisContext _context;
        private readonly KnownSymbols _known;
        private readonly ImmutableHashSet<string> _mutators;
        private readonly HashSet<ILocalSymbol> _aliases = new(SymbolEqualityComparer.Default);

        public Walker(OperationBlockAnalysisContext context, KnownSymbols known, ImmutableHashSet<string> mutators)
        {
            _context = context;
            _known = known;
            _mutators = mutators;
        }

        public void Analyze(IOperation root)
        {
            // Descendants come in source order, so an alias is known before it is used.
            foreach (IOperation operation in root.DescendantsAndSelf())
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator when ReachesTrainer(value):
                        _aliases.Add(declarator.Symbol);
                        break;
                    case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol local } pattern when pattern.Parent is IIsPatternOperation isPattern && ReachesTrainer(isPattern.Value):
                        _aliases.Add(local);
                        break;
                    case IForEachLoopOperation loop when ReachesTrainer(loop.Collection):
                        foreach (ILocalSymbol local in loop.Locals)
                        {
                            _aliases.Add(local);
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when ReachesTrainer(assignment.Value):
                        _aliases.Add(local.Local);
                        break;
                    case IAssignmentOperation assignment when IsTrainerMember(assignment.Target):
                        Report(assignment, "This assignment");
                        break;
                    case IIncrementOrDecrementOperation change when IsTrainerMember(change.Target):
                        Report(change, change.Kind == OperationKind.Increment ? "This increment" : "This decrement");
                        break;
                    case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when IsTrainerMember(argument.Value):
                        Report(argument, $"Passing it by {argument.Parameter!.RefKind.ToString().ToLowerInvariant()}");
                        break;
                    case IInvocationOperation invocation:
                        AnalyzeCall(invocation);
                        break;
                }
            }
        }

        private void AnalyzeCall(IInvocationOperation invocation)
        {
            IMethodSymbol method = invocation.TargetMethod;
            if (_known.Has(method, _known.TrainerControl) || (method.ReducedFrom is { } reduced && _known.Has(reduced, _known.TrainerControl)))
            {
                return;
            }

            IOperation? receiver = Receiver(invocation);
            if (receiver is null || !ReachesTrainer(receiver))
            {
                return;
            }

            if (method.Name.Length > 1 && method.Name.EndsWith("_", StringComparison.Ordinal))
            {
                Report(invocation, $"In-place call '{method.Name}'");
            }
            else if (_mutators.Contains(method.Name))
            {
                Report(invocation, $"Call of mutator '{method.Name}'");
            }
        }

        /// <summary>True for a member, element or indexer write target whose owner is trainer state.</summary>
        private bool IsTrainerMember(IOperation target) => target switch
        {
            IMemberReferenceOperation { Instance: { } instance } => ReachesTrainer(instance),
            IArrayElementReferenceOperation element => ReachesTrainer(element.ArrayReference),
            _ => false,
        };

        /// <summary>True when the value is the context or an object reached from it.</summary>
        private bool ReachesTrainer(IOperation? operation)
        {
            // Each step moves to an operation that ends earlier in the source, so the walk ends; the
            // bound keeps it cheap on absurd chains (beyond it, nothing is reported).
            for (int step = 0; operation is not null && step < MaxChainSteps; step++)
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                if (operation.Type is { } type && SymbolEqualityComparer.Default.Equals(type, _known.Context))
                {
                    return true;
                }

                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        return _aliases.Contains(local.Local);
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    case IMemberReferenceOperation member:
                        operation = member.Instance;
                        continue;
                    case IArrayElementReferenceOperation element:
                        operation = element.ArrayReference;
                        continue;
                    case IInvocationOperation invocation when !IsRuntimeCopy(invocation.TargetMethod):
                        // model.parameters(), optimizer.param_groups(): what they return is still the model's.
                        operation = Receiver(invocation);
                        continue;
                    case IConditionalAccessInstanceOperation instance:
                        operation = FindConditionalReceiver(instance);
                        continue;
                    case IConditionalAccessOperation access:
                        operation = access.Operation;
                        continue;
                    case ICoalesceOperation coalesce:
                        operation = coalesce.Value;
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>What a call acts on: its instance, or the first argument of an extension method.</summary>
        private static IOperation? Receiver(IInvocationOperation invocation) =>
            invocation.Instance
            ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

        /// <summary>Runtime methods (metrics copies, snapshots) return fresh objects, not trainer state.</summary>
        private static bool IsRuntimeCopy(IMethodSymbol method) =>
            method.ContainingNamespace?.ToDisplayString() == Contract.HookCatalog.Namespace;

        /// <summary>
        /// The value a <c>?.</c> tests: the <c>Operation</c> of the conditional access whose
        /// <c>WhenNotNull</c> part holds <paramref name="instance"/>. In <c>a?.b()?.c</c> the call
        /// <c>.b()</c> is itself the tested value of the inner access, so an access reached from its
        /// tested side is not ours: only one reached from its <c>WhenNotNull</c> side is.
        /// </summary>
        private IOperation? FindConditionalReceiver(IConditionalAccessInstanceOperation instance)
        {
            IOperation child = instance;
            for (IOperation? parent = instance.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                if (parent is IConditionalAccessOperation access && ReferenceEquals(access.WhenNotNull, child))
                {
                    return access.Operation;
                }
            }

            return null;
        }

        private void Report(IOperation operation, string what) =>
            _context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutatesTrainerState, operation.Syntax.GetLocation(), what));
    }
}
