using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// Walks one body of a callback class in source order, tracking which locals alias trainer state.
/// Without a report callback it only learns <see cref="TrainerStateFacts"/> (members and parameters
/// that receive trainer state, types the model is converted to); with one it reports DT0201.
/// </summary>
internal sealed class MutationWalker
{
    /// <summary>How far a receiver chain (<c>a.b().c?.d</c>…) is followed back towards the context.</summary>
    private const int MaxChainSteps = 1000;

    private readonly KnownSymbols _known;
    private readonly TrainerStateFacts _facts;
    private readonly ImmutableHashSet<string> _mutators;
    private readonly CancellationToken _cancellationToken;
    private readonly Action<Diagnostic>? _report;
    private readonly HashSet<ILocalSymbol> _aliases = new(SymbolEqualityComparer.Default);

    public MutationWalker(KnownSymbols known, TrainerStateFacts facts, ImmutableHashSet<string> mutators, CancellationToken cancellationToken, Action<Diagnostic>? report)
    {
        _known = known;
        _facts = facts;
        _mutators = mutators;
        _cancellationToken = cancellationToken;
        _report = report;
    }

    public void Analyze(IOperation root)
    {
        // Descendants come in source order, so an alias is known before it is used.
        foreach (IOperation operation in root.DescendantsAndSelf())
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator when ReachesTrainer(value):
                    _aliases.Add(declarator.Symbol);
                    break;
                case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol local } pattern when pattern.Parent is IIsPatternOperation isPattern && ReachesTrainer(isPattern.Value):
                    _aliases.Add(local);
                    if (_report is null && pattern.MatchedType is { } matched)
                    {
                        _facts.AddConversion(matched);
                    }

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
                case IAssignmentOperation { Target: IMemberReferenceOperation target } assignment when _report is null && IsOwnMember(target) && ReachesTrainer(assignment.Value):
                    _facts.AddMember(target.Member);
                    break;
                case IFieldInitializerOperation initializer when _report is null && ReachesTrainer(initializer.Value):
                    foreach (IFieldSymbol field in initializer.InitializedFields)
                    {
                        _facts.AddMember(field);
                    }

                    break;
                case IPropertyInitializerOperation initializer when _report is null && ReachesTrainer(initializer.Value):
                    foreach (IPropertySymbol property in initializer.InitializedProperties)
                    {
                        _facts.AddMember(property);
                    }

                    break;
                case IConversionOperation { IsImplicit: false, Type: { } type } conversion when _report is null && ReachesTrainer(conversion.Operand):
                    _facts.AddConversion(type);
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
        if (_report is null)
        {
            // A method of this class that is handed trainer state: its parameter holds it.
            if (SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _facts.Type.OriginalDefinition))
            {
                foreach (IArgumentOperation argument in invocation.Arguments)
                {
                    if (argument.Parameter is { } parameter && ReachesTrainer(argument.Value))
                    {
                        _facts.AddParameter(parameter);
                    }
                }
            }

            return;
        }

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

    /// <summary>A field or property of the analyzed class itself, reached through <c>this</c> (or static).</summary>
    private bool IsOwnMember(IMemberReferenceOperation reference) =>
        reference.Member is IFieldSymbol or IPropertySymbol
        && SymbolEqualityComparer.Default.Equals(reference.Member.ContainingType?.OriginalDefinition, _facts.Type.OriginalDefinition)
        && reference.Instance is null or IInstanceReferenceOperation;

    /// <summary>True for a member, element or indexer write target whose owner is trainer state.</summary>
    private bool IsTrainerMember(IOperation target) => target switch
    {
        IMemberReferenceOperation { Instance: { } instance } => ReachesTrainer(instance),
        IArrayElementReferenceOperation element => ReachesTrainer(element.ArrayReference),
        _ => false,
    };

    /// <summary>True when the value is the context, an object reached from it, or a member or parameter holding one.</summary>
    private bool ReachesTrainer(IOperation? operation)
    {
        // Each step moves to an operation that ends earlier in the source, so the walk ends; the
        // bound keeps it cheap on absurd chains (beyond it, nothing is reported).
        for (int step = 0; operation is not null && step < MaxChainSteps; step++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (operation.Type is { } type && SymbolEqualityComparer.Default.Equals(type, _known.Context))
            {
                return true;
            }

            switch (operation)
            {
                case ILocalReferenceOperation local:
                    return _aliases.Contains(local.Local);
                case IParameterReferenceOperation parameter:
                    return _facts.IsStateParameter(parameter.Parameter);
                case IMemberReferenceOperation member when IsOwnMember(member) && _facts.IsStateMember(member.Member):
                    return true;
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
            _cancellationToken.ThrowIfCancellationRequested();
            if (parent is IConditionalAccessOperation access && ReferenceEquals(access.WhenNotNull, child))
            {
                return access.Operation;
            }
        }

        return null;
    }

    private void Report(IOperation operation, string what) =>
        _report?.Invoke(Diagnostic.Create(_known.Links.For(DiagnosticDescriptors.MutatesTrainerState), operation.Syntax.GetLocation(), what));
}
