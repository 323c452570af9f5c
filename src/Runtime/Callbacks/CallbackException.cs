using System;

namespace DreamTrainer;

/// <summary>
/// Thrown by Fit when a callback with the <see cref="CallbackErrorPolicy.Propagate"/> policy
/// throws: it names the callback and the hook, and keeps the original as <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class CallbackException : Exception
{
    /// <summary>Creates the exception for a failure of <paramref name="callbackType"/> in <paramref name="hook"/>.</summary>
    /// <param name="callbackType">The full type name of the failing callback.</param>
    /// <param name="stateKey">The failing callback's state key.</param>
    /// <param name="hook">The hook that threw.</param>
    /// <param name="innerException">The original exception.</param>
    public CallbackException(string callbackType, string stateKey, Hook hook, Exception innerException)
        : base(FormatMessage(callbackType, stateKey, hook, innerException), innerException)
    {
        CallbackType = callbackType;
        StateKey = stateKey;
        Hook = hook;
    }

    /// <summary>The full type name of the failing callback.</summary>
    public string CallbackType { get; }

    /// <summary>The failing callback's state key.</summary>
    public string StateKey { get; }

    /// <summary>The hook that threw.</summary>
    public Hook Hook { get; }

    private static string FormatMessage(string callbackType, string stateKey, Hook hook, Exception inner)
    {
        string key = stateKey == callbackType ? string.Empty : $" (state key '{stateKey}')";
        return $"Callback '{callbackType}'{key} threw in On{hook}: {inner.GetType().Name}: {inner.Message}";
    }
}
