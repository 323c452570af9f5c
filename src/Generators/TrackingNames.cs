namespace DreamTrainer.Generators;

/// <summary>Names of the generator's pipeline steps, for incrementality tests.</summary>
internal static class TrackingNames
{
    /// <summary>A class found through one of its hook methods (one step per hook attribute).</summary>
    public const string HookMethodClasses = nameof(HookMethodClasses);

    /// <summary>A class found through <c>[Callback]</c> or a <c>[CallbackState]</c> member.</summary>
    public const string AttributedClasses = nameof(AttributedClasses);

    /// <summary>Every callback model, merged and de-duplicated, with unique file names.</summary>
    public const string AllCallbacks = nameof(AllCallbacks);

    /// <summary>One callback model per class, the input of the emitter.</summary>
    public const string Callbacks = nameof(Callbacks);

    /// <summary>A class found through <c>[CallbackPipeline]</c>.</summary>
    public const string PipelineClasses = nameof(PipelineClasses);

    /// <summary>Every pipeline model, de-duplicated, with unique file names.</summary>
    public const string AllPipelines = nameof(AllPipelines);

    /// <summary>One pipeline model per <c>[CallbackPipeline]</c> class, the input of the emitter.</summary>
    public const string Pipelines = nameof(Pipelines);
}
