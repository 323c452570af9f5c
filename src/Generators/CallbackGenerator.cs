using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Callbacks;
using DreamTrainer.Generators.Helpers;
using DreamTrainer.Generators.Models;
using DreamTrainer.Generators.Pipelines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DreamTrainer.Generators;

/// <summary>
/// The DreamTrainer source generator. A partial class with hook methods (<c>[OnTrainBatchEnd]</c>, …)
/// gets its <c>ICallback</c> implementation; a <c>[CallbackPipeline]</c> partial class gets an
/// <c>ICallbackDispatcher</c> with direct calls sorted at compile time. It reports nothing: the
/// analyzers do, so users can suppress them the usual way.
/// </summary>
[Generator(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class CallbackGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // A class becomes a callback through any hook method, [Callback] or a [CallbackState] member.
        var found = new List<IncrementalValueProvider<ImmutableArray<CallbackModel>>>();
        foreach (HookDefinition hook in HookCatalog.All)
        {
            found.Add(Find(context, hook.AttributeMetadataName, static node => node is MethodDeclarationSyntax, CallbackParser.ParseFromTrigger, TrackingNames.HookMethodClasses).Collect());
        }

        found.Add(Find(context, HookCatalog.CallbackAttributeMetadataName, static node => node is ClassDeclarationSyntax, CallbackParser.ParseFromTrigger, TrackingNames.AttributedClasses).Collect());
        found.Add(Find(context, HookCatalog.CallbackStateAttributeMetadataName, static node => node is VariableDeclaratorSyntax or PropertyDeclarationSyntax, CallbackParser.ParseFromTrigger, TrackingNames.AttributedClasses).Collect());

        IncrementalValueProvider<ImmutableArray<CallbackModel>> merged = found[0];
        for (int i = 1; i < found.Count; i++)
        {
            merged = merged.Combine(found[i]).Select(static (pair, _) => pair.Left.AddRange(pair.Right));
        }

        IncrementalValuesProvider<CallbackModel> callbacks = OnePerType(merged, TrackingNames.AllCallbacks, TrackingNames.Callbacks);
        context.RegisterSourceOutput(callbacks, static (output, model) =>
            output.AddSource(model.Scope.FileStem + CallbackEmitter.FileSuffix, CallbackEmitter.Emit(model, output.CancellationToken)));

        IncrementalValuesProvider<PipelineModel> pipelines = OnePerType(
            Find(context, HookCatalog.CallbackPipelineAttributeMetadataName, static node => node is ClassDeclarationSyntax, PipelineParser.ParseFromTrigger, TrackingNames.PipelineClasses).Collect(),
            TrackingNames.AllPipelines,
            TrackingNames.Pipelines);
        context.RegisterSourceOutput(pipelines, static (output, model) =>
            output.AddSource(model.Scope.FileStem + PipelineEmitter.FileSuffix, PipelineEmitter.Emit(model, output.CancellationToken)));
    }

    /// <summary>The models built from every declaration carrying <paramref name="attributeMetadataName"/>.</summary>
    private static IncrementalValuesProvider<T> Find<T>(
        IncrementalGeneratorInitializationContext context,
        string attributeMetadataName,
        Func<SyntaxNode, bool> isCandidate,
        Func<ISymbol, Compilation, CancellationToken, T?> parse,
        string trackingName)
        where T : class =>
        context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attributeMetadataName,
                (node, _) => isCandidate(node),
                (syntax, cancellationToken) => parse(syntax.TargetSymbol, syntax.SemanticModel.Compilation, cancellationToken))
            .WithTrackingName(trackingName)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

    /// <summary>
    /// One model per type, each with a file name of its own (see <see cref="HintNames"/>): deciding
    /// names needs every model at once, then each goes on alone so an edit re-emits only its file.
    /// </summary>
    private static IncrementalValuesProvider<T> OnePerType<T>(IncrementalValueProvider<ImmutableArray<T>> models, string allName, string eachName)
        where T : IGeneratedType<T>, IEquatable<T> =>
        models
            .Select(static (all, cancellationToken) => HintNames.OnePerType(all, cancellationToken))
            .WithTrackingName(allName)
            .SelectMany(static (all, _) => all)
            .WithTrackingName(eachName);
}
