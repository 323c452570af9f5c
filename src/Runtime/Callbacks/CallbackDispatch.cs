using System;
using System.ComponentModel;
using System.Runtime.ExceptionServices;

namespace DreamTrainer;

/// <summary>
/// Failure handling shared by every dispatcher, generated or not. Public because generated
/// pipelines in user assemblies call it; not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CallbackDispatch
{
    /// <summary>
    /// Applies <paramref name="callback"/>'s error policy to a failure in <paramref name="hook"/>:
    /// an isolated callback's failure is reported and dispatch goes on; otherwise the failure is
    /// wrapped in a <see cref="CallbackException"/>, which is thrown — except in
    /// <see cref="Hook.Exception"/> and <see cref="Hook.TrainEnd"/>, which must reach every callback,
    /// so there it is collected and thrown by the trainer after the dispatch.
    /// </summary>
    /// <param name="context">The trainer context of the run.</param>
    /// <param name="callback">The callback that threw.</param>
    /// <param name="hook">The hook it threw in.</param>
    /// <param name="exception">What it threw.</param>
    public static void HandleFailure(TrainerContext context, ICallback callback, Hook hook, Exception exception)
    {
        if (hook is not Hook.Exception and not Hook.TrainEnd
            && ((exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested) || exception is CheckpointFormatException))
        {
            // A cancellation the callback honoured is the run's cancellation, and a checkpoint that
            // cannot be restored is the file's fault: neither is the callback's failure, whatever its policy.
            ExceptionDispatchInfo.Capture(exception).Throw();
        }

        if (callback.ErrorPolicy == CallbackErrorPolicy.Isolate)
        {
            context.ReportIsolatedFailure(callback, hook, exception);
            return;
        }

        var wrapped = exception as CallbackException
            ?? new CallbackException(callback.GetType().FullName ?? callback.GetType().Name, callback.StateKey, hook, exception);
        if (hook is Hook.Exception or Hook.TrainEnd)
        {
            context.DeferFailure(wrapped);
            return;
        }

        throw wrapped;
    }

    /// <summary>
    /// Gives <paramref name="callback"/> its own section of a checkpoint's callback states, named by
    /// its state key, and lets it write there. Failures follow the error policy.
    /// </summary>
    /// <param name="context">The trainer context of the run.</param>
    /// <param name="callback">A callback implementing <see cref="Hook.SaveState"/>.</param>
    /// <param name="states">The checkpoint's callback states (one section per state key).</param>
    public static void SaveState(TrainerContext context, ICallback callback, CallbackStateWriter states)
    {
        try
        {
            callback.OnSaveState(context, states.Section(callback.StateKey));
        }
        catch (Exception failure)
        {
            HandleFailure(context, callback, Hook.SaveState, failure);
        }
    }

    /// <summary>
    /// Hands <paramref name="callback"/> the section of a checkpoint stored under its state key. A
    /// callback with no section is a warning naming it (the checkpoint predates it), not a failure.
    /// A value the callback rejects (a <see cref="CheckpointFormatException"/>) fails the resume
    /// whatever the callback's policy.
    /// </summary>
    /// <param name="context">The trainer context of the run.</param>
    /// <param name="callback">A callback implementing <see cref="Hook.LoadState"/>.</param>
    /// <param name="states">The checkpoint's callback states.</param>
    public static void LoadState(TrainerContext context, ICallback callback, CallbackStateReader states)
    {
        if (!states.TryGetSection(callback.StateKey, out CallbackStateReader? section))
        {
            context.Warn($"The checkpoint has no state for callback '{CallbackCollection.Describe(callback)}' (state key '{callback.StateKey}'); it starts fresh.");
            return;
        }

        try
        {
            callback.OnLoadState(context, section);
        }
        catch (Exception failure)
        {
            HandleFailure(context, callback, Hook.LoadState, failure);
        }
    }

    /// <summary>
    /// Names the callback behind a failure that came out of <paramref name="dispatcher"/> during
    /// <paramref name="hook"/> unhandled (a generated pipeline lets propagate-policy failures pass).
    /// </summary>
    /// <param name="dispatcher">The dispatcher that was running the hook.</param>
    /// <param name="hook">The hook.</param>
    /// <param name="failure">What came out.</param>
    /// <returns>A <see cref="CallbackException"/> naming the callback, or <paramref name="failure"/> when it is one already or no callback is known.</returns>
    public static Exception Attribute(ICallbackDispatcher dispatcher, Hook hook, Exception failure)
    {
        if (failure is CallbackException || dispatcher.RunningCallback is not { } callback)
        {
            return failure;
        }

        return new CallbackException(CallbackCollection.Describe(callback), callback.StateKey, hook, failure);
    }
}
