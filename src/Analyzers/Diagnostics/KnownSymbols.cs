using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using DreamTrainer.Contract;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Analyzers.Diagnostics;

/// <summary>The contract's symbols, resolved once per compilation.</summary>
internal sealed class KnownSymbols
{
    private readonly Dictionary<INamedTypeSymbol, HookDefinition> _hooks = new(SymbolEqualityComparer.Default);

    // Asked for every method body and catch clause of a class: answer once per class.
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _callbackClasses = new(SymbolEqualityComparer.Default);

    private KnownSymbols(Compilation compilation, INamedTypeSymbol context, HelpLinks links)
    {
        Context = context;
        Links = links;
        TrainerControl = compilation.GetTypeByMetadataName(HookCatalog.TrainerControlAttributeMetadataName);
        CallbackAttribute = compilation.GetTypeByMetadataName(HookCatalog.CallbackAttributeMetadataName);
        CallbackState = compilation.GetTypeByMetadataName(HookCatalog.CallbackStateAttributeMetadataName);
        CallbackPipeline = compilation.GetTypeByMetadataName(HookCatalog.CallbackPipelineAttributeMetadataName);
        GeneratedCallback = compilation.GetTypeByMetadataName(HookCatalog.GeneratedCallbackAttributeMetadataName);
        Exception = compilation.GetTypeByMetadataName("System.Exception");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        var models = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (string name in ModelTypeMetadataNames)
        {
            if (compilation.GetTypeByMetadataName(name) is { } model)
            {
                models.Add(model);
            }
        }

        ModelTypes = models.ToImmutable();
        foreach (HookDefinition hook in HookCatalog.All)
        {
            if (compilation.GetTypeByMetadataName(hook.AttributeMetadataName) is { } attribute)
            {
                _hooks[attribute] = hook;
            }
        }
    }

    public INamedTypeSymbol Context { get; }

    public INamedTypeSymbol? TrainerControl { get; }

    public INamedTypeSymbol? CallbackAttribute { get; }

    public INamedTypeSymbol? CallbackState { get; }

    public INamedTypeSymbol? CallbackPipeline { get; }

    public INamedTypeSymbol? GeneratedCallback { get; }

    public INamedTypeSymbol? Exception { get; }

    public INamedTypeSymbol? Enumerable { get; }

    /// <summary>
    /// Types whose instances are the model or the optimizer being trained: TorchSharp's modules and
    /// optimizers, and the runtime's training module and engine seams. A callback that receives one
    /// through its constructor (or, with issue 14's bindings, a hook parameter) holds trainer state.
    /// </summary>
    public ImmutableArray<INamedTypeSymbol> ModelTypes { get; }

    private static readonly string[] ModelTypeMetadataNames =
    {
        "TorchSharp.torch+nn+Module",
        "TorchSharp.torch+optim+Optimizer",
        "DreamTrainer.ITrainingModule`1",
        "DreamTrainer.ILearningRateControl",
        "DreamTrainer.IModelStateControl",
    };

    /// <summary>The help links this compilation's diagnostics carry (none when the build sets no base).</summary>
    public HelpLinks Links { get; }

    /// <summary>Null when the compilation does not reference the DreamTrainer runtime.</summary>
    public static KnownSymbols? Create(Compilation compilation, Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions? options = null) =>
        compilation.GetTypeByMetadataName(HookCatalog.ContextMetadataName) is { } context ? new KnownSymbols(compilation, context, HelpLinks.From(options)) : null;

    /// <summary>The hooks <paramref name="method"/> is marked with, with their attributes.</summary>
    public IEnumerable<(HookDefinition Hook, AttributeData Attribute)> HooksOf(IMethodSymbol method)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { } type && _hooks.TryGetValue(type, out HookDefinition? hook))
            {
                yield return (hook, attribute);
            }
        }
    }

    public bool IsHookAttribute(INamedTypeSymbol? type) => type is not null && _hooks.ContainsKey(type);

    /// <summary>True when <paramref name="type"/> declares (or inherits) a hook method: a callback class.</summary>
    public bool IsCallbackClass(INamedTypeSymbol type) => _callbackClasses.GetOrAdd(type, DeclaresHooks);

    private bool DeclaresHooks(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers())
            {
                if (member is IMethodSymbol method)
                {
                    foreach (AttributeData attribute in method.GetAttributes())
                    {
                        if (IsHookAttribute(attribute.AttributeClass))
                        {
                            return true;
                        }
                    }
                }
            }
        }

        return false;
    }

    public bool Has(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null)
        {
            return false;
        }

        foreach (AttributeData data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return true;
            }
        }

        return false;
    }
}
