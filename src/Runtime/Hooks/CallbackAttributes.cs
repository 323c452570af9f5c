using System;

namespace DreamTrainer;

/// <summary>
/// Class-level defaults for a callback. Optional: any partial class with a hook method is a
/// callback; this attribute only sets its defaults.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CallbackAttribute : Attribute
{
    private CallbackErrorPolicy _onError;

    /// <summary>Default priority of every hook of the class; higher runs first. Default 0.</summary>
    public int Priority { get; set; }

    /// <summary>What the trainer does when this callback throws. Default <see cref="CallbackErrorPolicy.Propagate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="CallbackErrorPolicy"/>.</exception>
    public CallbackErrorPolicy OnError
    {
        get => _onError;
        set => _onError = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(OnError), value, $"OnError must be Propagate or Isolate; it was {(int)value}.");
    }

    /// <summary>
    /// The key under which the callback's state is stored in checkpoints. Default: the full type
    /// name. A class that declares an instance property <c>string StateKey</c> uses that instead,
    /// so two instances of one class can coexist.
    /// </summary>
    public string? StateKey { get; set; }

    /// <summary>
    /// The ranks of a data-parallel run on which the hooks run. Default <see cref="CallbackRanks.All"/>;
    /// <see cref="CallbackRanks.Zero"/> for side effects that must happen once (files, console).
    /// </summary>
    public CallbackRanks Ranks { get; set; }
}

/// <summary>
/// Marks a field or property whose value the generated code writes into checkpoints and reads
/// back on resume. Supported types: <c>bool</c>, <c>int</c>, <c>long</c>, <c>float</c>,
/// <c>double</c>, <c>string</c>, enums, their nullable forms, and <c>double[]</c> /
/// <c>List&lt;double&gt;</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class CallbackStateAttribute : Attribute
{
    /// <summary>The entry name in the checkpoint; default: the member name.</summary>
    public string? Name { get; set; }
}

/// <summary>
/// Marks a partial class whose fields and properties are callbacks: the generator emits an
/// <see cref="ICallbackDispatcher"/> that calls them directly, in priority order sorted at compile time.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CallbackPipelineAttribute : Attribute
{
}

/// <summary>
/// Marks a member of <see cref="TrainerContext"/> that is a sanctioned control: the one way a
/// callback may change the run. The mutation analyzer (DT0201) reports every other write.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class TrainerControlAttribute : Attribute
{
}
