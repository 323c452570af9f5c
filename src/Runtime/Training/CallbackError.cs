using System;

namespace DreamTrainer;

/// <summary>A failure that did not stop training: an isolated callback's exception, or one reported through <see cref="TrainerContext.ReportError"/>.</summary>
public sealed class CallbackError
{
    internal CallbackError(string source, Hook? hook, Exception exception, int epoch, long globalStep)
    {
        Source = source;
        Hook = hook;
        Exception = exception;
        Epoch = epoch;
        GlobalStep = globalStep;
    }

    /// <summary>The callback type (or "reported" for <see cref="TrainerContext.ReportError"/>).</summary>
    public string Source { get; }

    /// <summary>The hook that threw, when known.</summary>
    public Hook? Hook { get; }

    /// <summary>The exception.</summary>
    public Exception Exception { get; }

    /// <summary>The index of the epoch it happened in, from 0 (<see cref="ToString"/> shows it counted from 1).</summary>
    public int Epoch { get; }

    /// <summary>The global step it happened at.</summary>
    public long GlobalStep { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Source} in {(Hook is { } h ? "On" + h : "a callback")} in epoch {Epoch + 1}, after step {GlobalStep}: {Exception.GetType().Name}: {Exception.Message}";
}
