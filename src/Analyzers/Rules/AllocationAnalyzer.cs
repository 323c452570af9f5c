using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using DreamTrainer.Analyzers.Diagnostics;
using DreamTrainer.Contract;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// DT0401: allocations in per-batch hooks (training and validation batch start/end) and in the
/// private methods of the same class they call directly — object and array creation of reference
/// types, string concatenation and interpolation, capturing lambdas and method-group delegates,
/// boxing, LINQ, and <c>params</c> arrays. A batch hook runs thousands of times per epoch; each
/// allocation there feeds the garbage collector, whose pauses stall the GPU feed.
/// Allocations on a throw path are not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AllocationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.AllocatesInBatchHook);

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

            start.RegisterSymbolStartAction(symbolStart => OnType(symbolStart, known), SymbolKind.NamedType);
        });
    }

    private static void OnType(SymbolStartAnalysisContext context, KnownSymbols known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var batchHooks = new Dictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IMethodSymbol method)
            {
                foreach ((HookDefinition hook, AttributeData _) in known.HooksOf(method))
                {
                    if (hook.IsPerBatch)
                    {
                        batchHooks[method] = hook.MethodName;
                    }
                }
            }
        }

        if (batchHooks.Count == 0)
        {
            return;
        }

        var findings = new ConcurrentDictionary<IMethodSymbol, (List<(Location Location, string What)> Allocations, List<IMethodSymbol> Callees)>(SymbolEqualityComparer.Default);
        context.RegisterOperationBlockAction(block =>
        {
            if (block.OwningSymbol is not IMethodSymbol method)
            {
                return;
            }

            var collector = new Collector(known, type);
            foreach (IOperation root in block.OperationBlocks)
            {
                collector.Visit(root, block.CancellationToken);
            }

            findings[method] = (collector.Allocations, collector.Callees);
        });

        context.RegisterSymbolEndAction(end =>
        {
            var reported = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (KeyValuePair<IMethodSymbol, string> hook in batchHooks)
            {
                if (!findings.TryGetValue(hook.Key, out var found))
                {
                    continue;
                }

                Report(end, found.Allocations, hook.Value);
                foreach (IMethodSymbol callee in found.Callees)
                {
                    if (!batchHooks.ContainsKey(callee) && reported.Add(callee) && findings.TryGetValue(callee, out var helper))
                    {
                        Report(end, helper.Allocations, hook.Value);
                    }
                }
            }
        });
    }

    private static void Report(SymbolAnalysisContext context, List<(Location Location, string What)> allocations, string hook)
    {
        foreach ((Location location, string what) in allocations)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AllocatesInBatchHook, location, what, hook));
        }
    }

    /// <summary>Finds allocation sites in one body, and the private methods of the class it calls.</summary>
    private sealed class Collector
    {
        private readonly KnownSymbols _known;
        private readonly INamedTypeSymbol _type;

        public Collector(KnownSymbols known, INamedTypeSymbol type)
        {
            _known = known;
            _type = type;
        }

        public List<(Location Location, string What)> Allocations { get; } = new();

        public List<IMethodSymbol> Callees { get; } = new();

        /// <summary>
        /// Visits <paramref name="root"/> and what it contains, in source order. Iterative: a
        /// generated expression thousands of operands deep must not overflow the compiler's stack.
        /// </summary>
        public void Visit(IOperation root, CancellationToken cancellationToken)
        {
            var pending = new Stack<IOperation>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IOperation operation = pending.Pop();
                if (VisitOne(operation, cancellationToken))
                {
                    foreach (IOperation child in operation.ChildOperations.Reverse())
                    {
                        pending.Push(child);
                    }
                }
            }
        }

        /// <summary>Records what <paramref name="operation"/> itself allocates; false when its children need no visit.</summary>
        private bool VisitOne(IOperation operation, CancellationToken cancellationToken)
        {
            // Attributes are metadata, not code that runs per batch.
            if (operation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax)
            {
                return false;
            }

            switch (operation)
            {
                case IThrowOperation:
                    return false;
                case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } creation:
                    if (Captures(lambda, cancellationToken))
                    {
                        Add(creation, "A capturing lambda");
                    }

                    return false;
                case IDelegateCreationOperation { Target: IMethodReferenceOperation { Method.IsStatic: false } } creation:
                    Add(creation, "A method-group delegate");
                    return false;
                case IObjectCreationOperation { Type.IsReferenceType: true } creation:
                    Add(creation, $"Creating a {creation.Type!.Name}");
                    return true;
                case IArrayCreationOperation array when array.Parent is IArgumentOperation { ArgumentKind: ArgumentKind.ParamArray } argument:
                    if (!IsEmpty(array))
                    {
                        Add(argument.Parent ?? array, $"A params array for '{(argument.Parameter?.ContainingSymbol.Name ?? "call")}'");
                    }

                    return true;
                case IArrayCreationOperation array:
                    Add(array, "Creating an array");
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String, ConstantValue.HasValue: false } concatenation:
                    Add(concatenation, "String concatenation");
                    return false;
                case IInterpolatedStringOperation { ConstantValue.HasValue: false } interpolation:
                    Add(interpolation, "String interpolation");
                    return false;
                case IConversionOperation conversion when conversion.Operand.Type is { IsValueType: true } && conversion.Type is { IsReferenceType: true } && conversion.GetConversion().IsBoxing:
                    Add(conversion, $"Boxing a {conversion.Operand.Type!.Name}");
                    return true;
                case IInvocationOperation invocation:
                    IMethodSymbol target = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
                    if (_known.Enumerable is not null && SymbolEqualityComparer.Default.Equals(target.ContainingType, _known.Enumerable))
                    {
                        Add(invocation, $"LINQ call '{target.Name}'");
                    }
                    else if (SymbolEqualityComparer.Default.Equals(target.ContainingType, _type)
                        && target.DeclaredAccessibility == Accessibility.Private && target.MethodKind == MethodKind.Ordinary)
                    {
                        Callees.Add((IMethodSymbol)target.OriginalDefinition);
                    }

                    return true;
                default:
                    return true;
            }
        }

        private static bool IsEmpty(IArrayCreationOperation array) =>
            array.DimensionSizes.Length == 1 && array.DimensionSizes[0].ConstantValue is { HasValue: true, Value: 0 };

        /// <summary>True when the lambda uses <c>this</c> or a local or parameter declared outside it.</summary>
        private static bool Captures(IAnonymousFunctionOperation lambda, CancellationToken cancellationToken)
        {
            foreach (IOperation inner in lambda.Body.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (inner)
                {
                    case IInstanceReferenceOperation:
                        return true;
                    case ILocalReferenceOperation local when !IsInside(local.Local.ContainingSymbol, lambda.Symbol):
                        return true;
                    case IParameterReferenceOperation parameter when !IsInside(parameter.Parameter.ContainingSymbol, lambda.Symbol):
                        return true;
                }
            }

            return false;
        }

        private static bool IsInside(ISymbol? symbol, IMethodSymbol lambda)
        {
            for (ISymbol? current = symbol; current is not null; current = current.ContainingSymbol)
            {
                if (SymbolEqualityComparer.Default.Equals(current, lambda))
                {
                    return true;
                }
            }

            return false;
        }

        private void Add(IOperation operation, string what) => Allocations.Add((operation.Syntax.GetLocation(), what));
    }
}
