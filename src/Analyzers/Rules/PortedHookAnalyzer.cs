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
/// DT0107–DT0109: a callback ported from Keras or Lightning as it was written there. A method named
/// like a hook in a class with no hook attributes (the trainer would never call it), an attribute named
/// like a hook that is not one (<c>[OnEpochBegin]</c>), a class deriving from a <c>Callback</c> base
/// that does not exist here. Each names the way forward; the code fixes take it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PortedHookAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the hook attribute to use, e.g. <c>OnTrainEpochEnd</c>.</summary>
    public const string AttributeProperty = "Attribute";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.HookNamedWithoutAttribute,
        DiagnosticDescriptors.UnknownHookAttribute,
        DiagnosticDescriptors.CallbackBaseClass);

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

            INamedTypeSymbol? callback = start.Compilation.GetTypeByMetadataName(HookCatalog.CallbackInterfaceMetadataName);
            INamedTypeSymbol? dispatcher = start.Compilation.GetTypeByMetadataName(HookCatalog.DispatcherInterfaceMetadataName);
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, known, callback, dispatcher), SymbolKind.Method);
            start.RegisterSymbolAction(symbol => AnalyzeBaseClass(symbol, known), SymbolKind.NamedType);
            start.RegisterSyntaxNodeAction(node => AnalyzeAttribute(node, known), SyntaxKind.Attribute);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownSymbols known, INamedTypeSymbol? callback, INamedTypeSymbol? dispatcher)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.MethodKind != MethodKind.Ordinary
            || method.IsStatic
            || method.IsAbstract
            || method.IsImplicitlyDeclared
            || (method.IsOverride && method.OverriddenMethod is not null)
            || method.ExplicitInterfaceImplementations.Length > 0
            || HookNames.Find(method.Name) is not { } hook)
        {
            return;
        }

        INamedTypeSymbol type = method.ContainingType;
        if (type.TypeKind != TypeKind.Class
            || type.IsStatic
            || known.IsCallbackClass(type)
            || known.Has(type, known.CallbackPipeline)
            || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, callback) || SymbolEqualityComparer.Default.Equals(i, dispatcher))
            || ImplementsInterfaceMember(method))
        {
            return;
        }

        string attribute = hook.MethodName;
        context.ReportDiagnostic(Diagnostic.Create(
            known.Links.For(DiagnosticDescriptors.HookNamedWithoutAttribute),
            method.Locations.FirstOrDefault() ?? Location.None,
            ImmutableDictionary<string, string?>.Empty.Add(AttributeProperty, attribute),
            method.Name,
            attribute));
    }

    private static bool ImplementsInterfaceMember(IMethodSymbol method)
    {
        foreach (INamedTypeSymbol contract in method.ContainingType.AllInterfaces)
        {
            foreach (ISymbol member in contract.GetMembers(method.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void AnalyzeAttribute(SyntaxNodeAnalysisContext context, KnownSymbols known)
    {
        var attribute = (AttributeSyntax)context.Node;
        if (attribute.Parent?.Parent is not MethodDeclarationSyntax)
        {
            return;
        }

        string written = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        if (HookNames.FindAttribute(written) is not { } hook
            || written == hook.MethodName
            || written == hook.AttributeName
            || context.SemanticModel.GetSymbolInfo(attribute, context.CancellationToken).Symbol is not null)
        {
            // Resolved attributes are someone's; ours under its own name only lacks a using (the IDE offers it).
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            known.Links.For(DiagnosticDescriptors.UnknownHookAttribute),
            attribute.Name.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(AttributeProperty, hook.MethodName),
            written,
            hook.MethodName));
    }

    private static void AnalyzeBaseClass(SymbolAnalysisContext context, KnownSymbols known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || type.BaseType is not { TypeKind: TypeKind.Error, Name: "Callback" } missing)
        {
            return;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is not ClassDeclarationSyntax { BaseList: { } bases })
            {
                continue;
            }

            foreach (BaseTypeSyntax baseType in bases.Types)
            {
                string name = baseType.Type switch
                {
                    QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                    SimpleNameSyntax simple => simple.Identifier.ValueText,
                    _ => string.Empty,
                };
                if (name == missing.Name)
                {
                    context.ReportDiagnostic(Diagnostic.Create(known.Links.For(DiagnosticDescriptors.CallbackBaseClass), baseType.GetLocation(), type.Name, baseType.Type.ToString()));
                    return;
                }
            }
        }
    }
}
