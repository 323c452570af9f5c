using System;
using System.Collections.Generic;
using System.Collections.Immutable;
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
            found.Add(context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    hook.AttributeMetadataName,
                    static (node, _) => node is MethodDeclarationSyntax,
                    static (syntax, cancellationToken) => CallbackParser.ParseFromTrigger(syntax.TargetSymbol, syntax.SemanticModel.Compilation, cancellationToken))
                .WithTrackingName(TrackingNames.HookMethodClasses)
                .Where(static model => model is not null)
                .Select(static (model, _) => model!)
                .Collect());
        }

        found.Add(context.SyntaxProvider
            .ForAttributeWithMetadataName(
                HookCatalog.CallbackAttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, cancellationToken) => CallbackParser.ParseFromTrigger(syntax.TargetSymbol, syntax.SemanticModel.Compilation, cancellationToken))
            .WithTrackingName(TrackingNames.AttributedClasses)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .Collect());

        found.Add(context.SyntaxProvider
            .ForAttributeWithMetadataName(
                HookCatalog.CallbackStateAttributeMetadataName,
                static (node, _) => node is VariableDeclaratorSyntax or PropertyDeclarationSyntax,
                static (syntax, cancellationToken) => CallbackParser.ParseFromTrigger(syntax.TargetSymbol, syntax.SemanticModel.Compilation, cancellationToken))
            .WithTrackingName(TrackingNames.AttributedClasses)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .Collect());

        IncrementalValueProvider<ImmutableArray<CallbackModel>> merged = found[0];
        for (int i = 1; i < found.Count; i++)
        {
            merged = merged.Combine(found[i]).Select(static (pair, _) => pair.Left.AddRange(pair.Right));
        }

        IncrementalValuesProvider<CallbackModel> callbacks = merged
            .Select(static (models, _) => Distinct(models))
            .WithTrackingName(TrackingNames.AllCallbacks)
            .SelectMany(static (models, _) => models)
            .WithTrackingName(TrackingNames.Callbacks);

        context.RegisterSourceOutput(callbacks, static (output, model) =>
            output.AddSource(model.Scope.HintName, CallbackEmitter.Emit(model)));

        IncrementalValuesProvider<PipelineModel> pipelines = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                HookCatalog.CallbackPipelineAttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, cancellationToken) => PipelineParser.Parse(syntax.TargetSymbol as INamedTypeSymbol, syntax.SemanticModel.Compilation, cancellationToken))
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Pipelines);

        context.RegisterSourceOutput(pipelines, static (output, model) =>
            output.AddSource(model.Scope.HintName, PipelineEmitter.Emit(model)));
    }

    /// <summary>One model per class (a class is found once per hook method), sorted by name for stable output.</summary>
    private static EquatableArray<CallbackModel> Distinct(ImmutableArray<CallbackModel> models)
    {
        var byName = new SortedDictionary<string, CallbackModel>(StringComparer.Ordinal);
        foreach (CallbackModel model in models)
        {
            if (!byName.ContainsKey(model.Scope.HintName))
            {
                byName.Add(model.Scope.HintName, model);
            }
        }

        return byName.Values.ToEquatableArray();
    }
}
