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
/// Reported by default: allocations that run on every call. Those that run only under a condition
/// (see <see cref="ConditionalPaths"/>: every N steps, on a rare branch) are reported only with
/// <see cref="ReportConditionalKey"/>. Allocations on a throw path are never reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AllocationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>
    /// The .editorconfig key that also reports allocations that run only under a condition (a branch,
    /// after an early return, in a catch): <c>dreamtrainer_report_conditional_allocations = true</c>.
    /// </summary>
    public const string ReportConditionalKey = "dreamtrainer_report_conditional_allocations";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.AllocatesInBatchHook);

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

        var findings = new ConcurrentDictionary<IMethodSymbol, Collector>(SymbolEqualityComparer.Default);
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

            findings[method] = collector;
        });

        context.RegisterSymbolEndAction(end =>
        {
            // A private helper is reported once, under the first hook that calls it on every call
            // (or, when every call is conditional, the first that calls it at all).
            var helpers = new Dictionary<IMethodSymbol, (string Hook, bool Conditional)>(SymbolEqualityComparer.Default);
            var order = new List<IMethodSymbol>();
            foreach (KeyValuePair<IMethodSymbol, string> hook in batchHooks)
            {
                if (!findings.TryGetValue(hook.Key, out Collector? found))
                {
                    continue;
                }

                Report(end, known.Links, found.Allocations, hook.Value, callConditional: false);
                foreach ((IMethodSymbol callee, bool conditional) in found.Callees)
                {
                    if (batchHooks.ContainsKey(callee))
                    {
                        continue;
                    }

                    if (!helpers.TryGetValue(callee, out var seen))
                    {
                        helpers[callee] = (hook.Value, conditional);
                        order.Add(callee);
                    }
                    else if (seen.Conditional && !conditional)
                    {
                        helpers[callee] = (hook.Value, false);
                    }
                }
            }

            foreach (IMethodSymbol helper in order)
            {
                if (findings.TryGetValue(helper, out Collector? found))
                {
                    Report(end, known.Links, found.Allocations, helpers[helper].Hook, helpers[helper].Conditional);
                }
            }
        });
    }

    private static void Report(SymbolAnalysisContext context, HelpLinks links, List<(Location Location, string What, bool Conditional)> allocations, string hook, bool callConditional)
    {
        foreach ((Location location, string what, bool conditional) in allocations)
        {
            if ((callConditional || conditional) && !ReportsConditional(context, location))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(links.For(DiagnosticDescriptors.AllocatesInBatchHook), location, what, hook));
        }
    }

    /// <summary>True when .editorconfig asks for allocations that run only under a condition, too.</summary>
    private static bool ReportsConditional(SymbolAnalysisContext context, Location location) =>
        location.SourceTree is { } tree
        && context.Options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(ReportConditionalKey, out string? value)
        && string.Equals(value.Trim(), "true", System.StringComparison.OrdinalIgnoreCase);

    /// <summary>Finds allocation sites in one body, and the private methods of the class it calls.</summary>
    private sealed class Collector
    {
        private readonly KnownSymbols _known;
        private readonly INamedTypeSymbol _type;

        /// <summary>Whether the operation being visited runs only under a condition.</summary>
        private bool _conditional;

        public Collector(KnownSymbols known, INamedTypeSymbol type)
        {
            _known = known;
            _type = type;
        }

        public List<(Location Location, string What, bool Conditional)> Allocations { get; } = new();

        /// <summary>Private methods of the class this body calls, and whether the call runs only under a condition.</summary>
        public List<(IMethodSymbol Method, bool Conditional)> Callees { get; } = new();

        /// <summary>
        /// Visits <paramref name="root"/> and what it contains, in source order. Iterative: a
        /// generated expression thousands of operands deep must not overflow the compiler's stack.
        /// </summary>
        public void Visit(IOperation root, CancellationToken cancellationToken)
        {
            var pending = new Stack<(IOperation Operation, bool Conditional)>();
            var children = new List<(IOperation Child, bool Conditional)>();
            pending.Push((root, false));
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (IOperation operation, bool conditional) = pending.Pop();
                _conditional = conditional;
                if (VisitOne(operation, cancellationToken))
                {
                    children.Clear();
                    children.AddRange(ConditionalPaths.Children(operation, cancellationToken));
                    for (int i = children.Count - 1; i >= 0; i--)
                    {
                        pending.Push((children[i].Child, conditional || children[i].Conditional));
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
                        Callees.Add(((IMethodSymbol)target.OriginalDefinition, _conditional));
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

        private void Add(IOperation operation, string what) => Allocations.Add((operation.Syntax.GetLocation(), what, _conditional));
    }
}
