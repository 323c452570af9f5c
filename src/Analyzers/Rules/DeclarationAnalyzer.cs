using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using DreamTrainer.Analyzers.Diagnostics;
using DreamTrainer.Contract;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// DT0101–DT0106: declarations the generator cannot wire — a callback that is not partial, a
/// parameter that cannot bind, a method that cannot be a hook, duplicate state keys, a pipeline
/// member that is not a callback, a state member that cannot be saved. These are the things the
/// generator skips silently, so each is an error here — as is a private base hook or state member a
/// derived callback's generated code would have to reach (<see cref="BaseReachability"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.CallbackNotPartial,
        DiagnosticDescriptors.UnbindableParameter,
        DiagnosticDescriptors.InvalidHookMethod,
        DiagnosticDescriptors.DuplicateStateKey,
        DiagnosticDescriptors.PipelineMemberNotCallback,
        DiagnosticDescriptors.UnsupportedStateMember);

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

            var stateKeys = new ConcurrentBag<(string Key, INamedTypeSymbol Type, Location Location)>();
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, known), SymbolKind.Method);
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, known, stateKeys), SymbolKind.NamedType);
            start.RegisterSymbolAction(symbol => AnalyzeStateMember(symbol, known), SymbolKind.Field, SymbolKind.Property);
            start.RegisterCompilationEndAction(end => ReportDuplicateKeys(end, stateKeys, known));
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownSymbols known)
    {
        var method = (IMethodSymbol)context.Symbol;
        foreach ((HookDefinition hook, AttributeData _) in known.HooksOf(method))
        {
            Location location = method.Locations.FirstOrDefault() ?? Location.None;
            string? problem = HookBinder.CheckShape(method) switch
            {
                HookShapeProblem.Static => "it is static; hooks run on the callback instance",
                HookShapeProblem.Generic => "it is generic; the trainer cannot choose its type arguments",
                HookShapeProblem.Async => "it is async; hooks run synchronously on the training thread (TorchSharp's DisposeScope is per thread)",
                HookShapeProblem.ReturnsValue => $"it returns '{method.ReturnType.ToDisplayString()}'; hooks return void",
                HookShapeProblem.Abstract => "it is abstract; give it a body",
                _ => null,
            };
            if (problem is null && method.MethodKind != MethodKind.Ordinary)
            {
                problem = "only ordinary methods can be hooks";
            }

            if (problem is null && method.ContainingType.TypeKind != TypeKind.Class)
            {
                problem = $"it is declared in a {method.ContainingType.TypeKind.ToString().ToLowerInvariant()}; callbacks are classes";
            }

            if (problem is null && method.ContainingType.IsStatic)
            {
                problem = "its class is static; callbacks are instances";
            }

            if (problem is null && known.Has(method.ContainingType, known.CallbackPipeline))
            {
                problem = $"'{method.ContainingType.Name}' is a [CallbackPipeline], a group that only calls its members; put the hook in a callback member";
            }

            if (problem is null && FileLocalType(method.ContainingType) is { } fileLocal)
            {
                problem = $"'{fileLocal.Name}' is file-local, and the generated part in another file would be another type";
            }

            if (problem is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(known.Links.For(DiagnosticDescriptors.InvalidHookMethod), location, method.Name, hook.MethodName, problem));
                continue;
            }

            if (HookBinder.Bind(method, hook, out BindFailure? failure) is null && failure is not null)
            {
                Location parameterLocation = failure.Parameter.Locations.FirstOrDefault() ?? location;
                string why = WhyNotBound(failure.Parameter) ?? "the hook offers: " + failure.Offered;
                context.ReportDiagnostic(Diagnostic.Create(
                    known.Links.For(DiagnosticDescriptors.UnbindableParameter),
                    parameterLocation,
                    $"{failure.Parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {failure.Parameter.Name}",
                    method.Name,
                    hook.MethodName,
                    why));
            }
        }
    }

    /// <summary>
    /// Why a parameter never binds whatever its name and type, or null when its name or type is the
    /// problem. Without it the message would list the offered values, which may name the very
    /// parameter (<c>int batchIndex = 0</c>) and read as a contradiction.
    /// </summary>
    private static string? WhyNotBound(IParameterSymbol parameter) => parameter switch
    {
        { RefKind: RefKind.Ref or RefKind.Out } => $"{parameter.RefKind.ToString().ToLowerInvariant()} parameters never bind; take it by value",
        { IsParams: true } => "params parameters never bind; remove 'params'",
        { IsOptional: true } => "optional parameters never bind; remove the default value",
        _ => null,
    };

    /// <summary>The type itself or an outer type declared with <c>file</c>, if any.</summary>
    private static INamedTypeSymbol? FileLocalType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                return current;
            }
        }

        return null;
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, ConcurrentBag<(string, INamedTypeSymbol, Location)> stateKeys)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        bool declaresHooks = type.GetMembers().OfType<IMethodSymbol>().Any(m => known.HooksOf(m).Any());
        if ((declaresHooks || type.GetMembers().Any(m => !m.IsStatic && known.Has(m, known.CallbackState))) && type.TypeKind == TypeKind.Class && !type.IsStatic)
        {
            BaseReachability.Report(context, type, known);
        }

        if (declaresHooks && type.TypeKind == TypeKind.Class && !type.IsStatic)
        {
            ReportNotPartial(context, type, known);
            if (ExplicitStateKey(type, known, context.CancellationToken) is { } key)
            {
                stateKeys.Add((key.Key, type, key.Location));
            }
        }

        if (known.Has(type, known.CallbackPipeline))
        {
            if (type.TypeKind == TypeKind.Class)
            {
                ReportNotPartial(context, type, known);
            }

            AnalyzePipelineMembers(context, type, known);
        }
    }

    private static void ReportNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type, KnownSymbols known)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration
                    && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    string which = SymbolEqualityComparer.Default.Equals(current, type) ? "it" : $"its containing type '{current.Name}'";
                    context.ReportDiagnostic(Diagnostic.Create(known.Links.For(DiagnosticDescriptors.CallbackNotPartial), declaration.Identifier.GetLocation(), type.Name, which));
                }
            }
        }
    }

    private static void AnalyzePipelineMembers(SymbolAnalysisContext context, INamedTypeSymbol pipeline, KnownSymbols known)
    {
        foreach ((ISymbol member, ITypeSymbol memberType) in PipelineMembers.Candidates(pipeline))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (memberType.TypeKind == TypeKind.Error)
            {
                continue;
            }

            bool isCallback = memberType is INamedTypeSymbol named
                && (known.Has(named, known.GeneratedCallback) || PipelineMembers.IsSourcePipeline(named) || (named.DeclaringSyntaxReferences.Length > 0 && known.IsCallbackClass(named)));
            if (!isCallback)
            {
                Report(context, known, member, pipeline, $"has type '{memberType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}', which is not a generated callback");
                continue;
            }

            if (PipelineMembers.IsSourcePipeline(memberType))
            {
                AnalyzeNestedPipeline(context, member, (INamedTypeSymbol)memberType, pipeline, known, new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { pipeline });
            }
        }
    }

    /// <summary>
    /// A pipeline member that is itself a pipeline is flattened: the enclosing pipeline calls the nested
    /// one's members directly, so it must be able to reach them, and a pipeline cannot contain itself.
    /// </summary>
    private static void AnalyzeNestedPipeline(SymbolAnalysisContext context, ISymbol member, INamedTypeSymbol nested, INamedTypeSymbol pipeline, KnownSymbols known, HashSet<INamedTypeSymbol> onPath)
    {
        if (!onPath.Add(nested))
        {
            Report(context, known, member, pipeline, $"contains pipeline '{nested.Name}' inside itself (a cycle)");
            return;
        }

        foreach ((ISymbol inner, ITypeSymbol innerType) in PipelineMembers.Candidates(nested))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (innerType is not INamedTypeSymbol named || innerType.TypeKind == TypeKind.Error)
            {
                continue;
            }

            bool isCallback = PipelineMembers.IsSourcePipeline(named) || known.Has(named, known.GeneratedCallback) || (named.DeclaringSyntaxReferences.Length > 0 && known.IsCallbackClass(named));
            if (isCallback && !context.Compilation.IsSymbolAccessibleWithin(inner, pipeline))
            {
                Report(context, known, member, pipeline, $"is pipeline '{nested.Name}', whose member '{inner.Name}' it cannot reach to call in priority order (make '{inner.Name}' internal or public)");
            }
            else if (PipelineMembers.IsSourcePipeline(named))
            {
                AnalyzeNestedPipeline(context, member, named, pipeline, known, onPath);
            }
        }

        onPath.Remove(nested);
    }

    private static void Report(SymbolAnalysisContext context, KnownSymbols known, ISymbol member, INamedTypeSymbol pipeline, string problem) =>
        context.ReportDiagnostic(Diagnostic.Create(
            known.Links.For(DiagnosticDescriptors.PipelineMemberNotCallback),
            member.Locations.FirstOrDefault() ?? Location.None,
            member.Name,
            pipeline.Name,
            problem));

    private static void AnalyzeStateMember(SymbolAnalysisContext context, KnownSymbols known)
    {
        ISymbol member = context.Symbol;
        if (!known.Has(member, known.CallbackState))
        {
            return;
        }

        string? problem = member switch
        {
            _ when member.IsStatic => "is static; state belongs to the callback instance",
            IFieldSymbol { IsConst: true } => "is a constant",
            IFieldSymbol { IsReadOnly: true } => "is readonly, so it cannot be restored",
            IPropertySymbol { SetMethod: null } => "has no setter, so it cannot be restored",
            IPropertySymbol { SetMethod.IsInitOnly: true } => "has an init-only setter, so it cannot be restored",
            _ => null,
        };
        ITypeSymbol? type = (member as IFieldSymbol)?.Type ?? (member as IPropertySymbol)?.Type;
        if (problem is null && type is not null && type.TypeKind != TypeKind.Error && StateTypes.Classify(type) is null)
        {
            problem = $"has type '{type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}', which is not a supported state type (bool, int, long, float, double, string, enums, their nullable forms, double[], List<double>)";
        }

        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(known.Links.For(DiagnosticDescriptors.UnsupportedStateMember), member.Locations.FirstOrDefault() ?? Location.None, member.Name, problem));
        }
    }

    private static (string Key, Location Location)? ExplicitStateKey(INamedTypeSymbol type, KnownSymbols known, System.Threading.CancellationToken cancellationToken)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.CallbackAttribute))
            {
                continue;
            }

            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "StateKey" && argument.Value.Value is string key && key.Length > 0)
                {
                    Location location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None;
                    return (key, location);
                }
            }
        }

        return null;
    }

    private static void ReportDuplicateKeys(CompilationAnalysisContext context, ConcurrentBag<(string Key, INamedTypeSymbol Type, Location Location)> stateKeys, KnownSymbols known)
    {
        foreach (IGrouping<string, (string Key, INamedTypeSymbol Type, Location Location)> group in stateKeys.GroupBy(k => k.Key))
        {
            var users = group.OrderBy(k => k.Type.ToDisplayString(), System.StringComparer.Ordinal).ToList();
            for (int i = 1; i < users.Count; i++)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    known.Links.For(DiagnosticDescriptors.DuplicateStateKey),
                    users[i].Location,
                    group.Key,
                    users[i].Type.ToDisplayString(),
                    users[0].Type.ToDisplayString()));
            }
        }
    }
}
