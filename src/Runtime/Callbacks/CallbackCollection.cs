using System;
using System.Collections;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// The dynamic dispatcher: an ordered set of callbacks you can add to, remove from and reorder
/// while the program runs (the operations of the Dream Trainer callbacks guide).
/// </summary>
/// <remarks>
/// <para>For each hook the collection keeps an array holding only the callbacks that implement that
/// hook, sorted by priority (higher first) and then registration order. A mutation builds new
/// arrays; a dispatch already running keeps iterating the arrays it started with, so a callback
/// that removes itself (or another) during a hook takes effect once that hook has finished.
/// Dispatch allocates nothing.</para>
/// <para>A group — a callback that is also a dispatcher, such as a generated <c>[CallbackPipeline]</c>
/// — registers as one entry (add, remove and move it as one), and its members are dispatched one by
/// one, each with its own priorities and state key, as if added in its place. Its members are read
/// again whenever the collection changes.</para>
/// </remarks>
public sealed partial class CallbackCollection : ICallbackDispatcher, IReadOnlyList<ICallback>
{
    private static readonly int HookCount = Enum.GetValues<Hook>().Length;

    private readonly List<ICallback> _items = new();
    private ICallback[] _snapshot = Array.Empty<ICallback>();

    // What runs: the entries with every group replaced by its members.
    private ICallback[] _leaves = Array.Empty<ICallback>();
    private DispatchTable[] _tables;

    // The tables before the last change: a hook may still be running on them. With the hook that
    // ran last (int stores only, no GC write barrier on the dispatch path) they name a failed callback.
    private DispatchTable[]? _previousTables;
    private int _runningHook = -1;

    /// <summary>Creates an empty collection.</summary>
    public CallbackCollection()
    {
        _tables = BuildTables(_leaves);
    }

    /// <summary>Creates a collection holding <paramref name="callbacks"/> in that order.</summary>
    /// <param name="callbacks">The callbacks to add.</param>
    /// <exception cref="ArgumentException">The same instance appears twice, or two callbacks share a state key.</exception>
    public CallbackCollection(IEnumerable<ICallback> callbacks)
        : this()
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        foreach (ICallback callback in callbacks)
        {
            Add(callback);
        }
    }

    /// <summary>The number of callbacks.</summary>
    public int Count => _items.Count;

    /// <summary>The callback at <paramref name="index"/> in registration order.</summary>
    /// <param name="index">The position, from 0.</param>
    public ICallback this[int index] => _items[index];

    /// <summary>The callbacks that run, in registration order, with every group replaced by its members.</summary>
    public IReadOnlyList<ICallback> Callbacks => _leaves;

    /// <inheritdoc/>
    public ICallback? RunningCallback => _runningHook < 0 ? null : Running(_tables[_runningHook]) ?? Running(_previousTables?[_runningHook]);

    /// <summary>Adds <paramref name="callback"/> at the end of the registration order.</summary>
    /// <param name="callback">The callback.</param>
    /// <exception cref="ArgumentException">It is already registered, or it keeps state and another stateful callback has its state key.</exception>
    public void Add(ICallback callback) => Insert(_items.Count, callback);

    /// <summary>Inserts <paramref name="callback"/> at <paramref name="index"/> in the registration order.</summary>
    /// <param name="index">The position, from 0 to <see cref="Count"/>.</param>
    /// <param name="callback">The callback.</param>
    /// <exception cref="ArgumentException">It is already registered, it keeps state and another stateful callback has its state key, or its error policy is undefined.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count.</exception>
    public void Insert(int index, ICallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!Enum.IsDefined(callback.ErrorPolicy))
        {
            throw new ArgumentException($"Callback '{Describe(callback)}' has the error policy {(int)callback.ErrorPolicy}, which is neither Propagate nor Isolate.", nameof(callback));
        }

        if ((uint)index > (uint)_items.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be between 0 and {_items.Count} (the number of callbacks); it was {index}.");
        }

        EnsureCanAdd(callback);
        _items.Insert(index, callback);
        Rebuild();
    }

    /// <summary>Removes <paramref name="callback"/>.</summary>
    /// <param name="callback">The callback instance.</param>
    /// <returns>True when it was registered.</returns>
    public bool Remove(ICallback callback)
    {
        int index = IndexOf(callback);
        if (index < 0)
        {
            return false;
        }

        _items.RemoveAt(index);
        Rebuild();
        return true;
    }

    /// <summary>Removes every callback of type <typeparamref name="T"/> (or derived from it).</summary>
    /// <typeparam name="T">The callback type.</typeparam>
    /// <returns>How many were removed.</returns>
    public int RemoveAll<T>()
        where T : class => RemoveAll(typeof(T));

    /// <summary>Removes every callback of type <paramref name="callbackType"/> (or derived from it).</summary>
    /// <param name="callbackType">The callback type.</param>
    /// <returns>How many were removed.</returns>
    public int RemoveAll(Type callbackType)
    {
        ArgumentNullException.ThrowIfNull(callbackType);
        int removed = _items.RemoveAll(callbackType.IsInstanceOfType);
        if (removed > 0)
        {
            Rebuild();
        }

        return removed;
    }

    /// <summary>The first callback of type <typeparamref name="T"/> among the entries, else among the members of groups; or null.</summary>
    /// <typeparam name="T">The callback type.</typeparam>
    /// <returns>The callback, or null.</returns>
    public T? Find<T>()
        where T : class
    {
        foreach (ICallback callback in _items)
        {
            if (callback is T match)
            {
                return match;
            }
        }

        foreach (ICallback callback in _leaves)
        {
            if (callback is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="callback"/> is registered.</summary>
    /// <param name="callback">The callback instance.</param>
    /// <returns>True when registered.</returns>
    public bool Contains(ICallback callback) => IndexOf(callback) >= 0;

    /// <summary>The position of <paramref name="callback"/> in registration order, or -1.</summary>
    /// <param name="callback">The callback instance.</param>
    /// <returns>The position, or -1.</returns>
    public int IndexOf(ICallback callback)
    {
        for (int i = 0; i < _items.Count; i++)
        {
            if (ReferenceEquals(_items[i], callback))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Moves <paramref name="callback"/> to the front of the registration order (first among equal priorities).</summary>
    /// <param name="callback">A registered callback.</param>
    public void MoveToFront(ICallback callback) => MoveTo(callback, 0);

    /// <summary>Moves <paramref name="callback"/> to the back of the registration order (last among equal priorities).</summary>
    /// <param name="callback">A registered callback.</param>
    public void MoveToBack(ICallback callback) => MoveTo(callback, _items.Count - 1);

    /// <summary>Moves <paramref name="callback"/> to <paramref name="index"/> in the registration order.</summary>
    /// <param name="callback">A registered callback.</param>
    /// <param name="index">The new position, from 0 to Count - 1.</param>
    /// <exception cref="ArgumentException"><paramref name="callback"/> is not registered.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count-1.</exception>
    public void MoveTo(ICallback callback, int index)
    {
        ArgumentNullException.ThrowIfNull(callback);
        int current = IndexOf(callback);
        if (current < 0)
        {
            throw new ArgumentException($"Callback '{Describe(callback)}' is not in this collection.", nameof(callback));
        }

        if ((uint)index >= (uint)_items.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be between 0 and {_items.Count - 1}; it was {index}.");
        }

        _items.RemoveAt(current);
        _items.Insert(index, callback);
        Rebuild();
    }

    /// <summary>Removes every callback.</summary>
    public void Clear()
    {
        _items.Clear();
        Rebuild();
    }

    /// <summary>The callbacks that run for <paramref name="hook"/>, in dispatch order.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>The dispatch table (a copy).</returns>
    public ICallback[] GetDispatchOrder(Hook hook) => (ICallback[])_tables[(int)hook].Callbacks.Clone();

    /// <summary>Enumerates the callbacks in registration order, without allocating.</summary>
    /// <returns>The enumerator.</returns>
    public ArraySegment<ICallback>.Enumerator GetEnumerator() => new ArraySegment<ICallback>(_snapshot).GetEnumerator();

    IEnumerator<ICallback> IEnumerable<ICallback>.GetEnumerator() => ((IEnumerable<ICallback>)_snapshot).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _snapshot.GetEnumerator();

    internal static string Describe(ICallback callback) => callback.GetType().FullName ?? callback.GetType().Name;

    /// <summary>
    /// True when <paramref name="callback"/> keeps state in checkpoints. Only such callbacks need a
    /// unique state key: several stateless instances of one class can run side by side.
    /// </summary>
    internal static bool HasState(ICallback callback) => (callback.Hooks & (HookMask.SaveState | HookMask.LoadState)) != 0;

    /// <summary>What runs for an entry: a group's members, or the callback itself.</summary>
    internal static IReadOnlyList<ICallback> Expand(ICallback callback) =>
        callback is ICallbackDispatcher group ? group.Callbacks : new[] { callback };

    private void EnsureCanAdd(ICallback callback)
    {
        for (int i = 0; i < _items.Count; i++)
        {
            if (ReferenceEquals(_items[i], callback))
            {
                throw new ArgumentException(
                    $"Callback '{Describe(callback)}' is already registered at position {i}; the same instance cannot be added twice.",
                    nameof(callback));
            }
        }

        // Every callback that would run, the new ones last: no instance twice, no shared state key.
        var running = new List<ICallback>(_leaves);
        int existing = running.Count;
        running.AddRange(Expand(callback));
        for (int n = existing; n < running.Count; n++)
        {
            ICallback added = running[n] ?? throw new ArgumentException($"Group '{Describe(callback)}' has a null member.", nameof(callback));
            for (int i = 0; i < n; i++)
            {
                ICallback other = running[i];
                if (ReferenceEquals(other, added))
                {
                    throw new ArgumentException(
                        $"Callback '{Describe(added)}' would run twice{Via(callback, added)}; the same instance cannot be added twice.",
                        nameof(callback));
                }

                if (HasState(other) && HasState(added) && string.Equals(other.StateKey, added.StateKey, StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"Callbacks '{Describe(other)}' (position {i}) and '{Describe(added)}'{Via(callback, added)} share the state key '{added.StateKey}'; "
                        + "state keys must be unique so checkpoints can restore each one. Set [Callback(StateKey = ...)] or a StateKey property.",
                        nameof(callback));
                }
            }
        }
    }

    private static string Via(ICallback entry, ICallback member) =>
        ReferenceEquals(entry, member) ? string.Empty : $" (a member of group '{Describe(entry)}')";

    private void Rebuild()
    {
        // New arrays, never edits of the old ones: a dispatch in progress keeps its own.
        _snapshot = _items.ToArray();
        var leaves = new List<ICallback>(_items.Count);
        foreach (ICallback item in _items)
        {
            leaves.AddRange(Expand(item));
        }

        _leaves = leaves.ToArray();
        _previousTables = _tables;
        _tables = BuildTables(_leaves);
    }

    /// <summary>The callback a table's dispatch stopped at (its index stays set only when a call threw).</summary>
    private static ICallback? Running(DispatchTable? table) =>
        table is not null && (uint)table.Running < (uint)table.Callbacks.Length ? table.Callbacks[table.Running] : null;

    private static DispatchTable[] BuildTables(ICallback[] items)
    {
        var tables = new DispatchTable[HookCount];
        var entries = new List<(int Priority, int Order, ICallback Callback)>();
        for (int hook = 0; hook < HookCount; hook++)
        {
            entries.Clear();
            var bit = (HookMask)(1 << hook);
            for (int order = 0; order < items.Length; order++)
            {
                ICallback callback = items[order];
                if ((callback.Hooks & bit) != 0)
                {
                    entries.Add((callback.GetPriority((Hook)hook), order, callback));
                }
            }

            // Higher priority first; equal priorities keep registration order.
            entries.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Order.CompareTo(b.Order));
            var table = new ICallback[entries.Count];
            bool isolates = false;
            for (int i = 0; i < table.Length; i++)
            {
                table[i] = entries[i].Callback;
                isolates |= table[i].ErrorPolicy == CallbackErrorPolicy.Isolate;
            }

            // OnException and OnTrainEnd reach every callback whatever one of them throws.
            tables[hook] = new DispatchTable(table, isolates || (Hook)hook is Hook.Exception or Hook.TrainEnd);
        }

        return tables;
    }

    /// <summary>One hook's callbacks in dispatch order; replaced, never edited, when the collection changes.</summary>
    private sealed class DispatchTable
    {
        public DispatchTable(ICallback[] callbacks, bool handlesFailures)
        {
            Callbacks = callbacks;
            HandlesFailures = handlesFailures;
        }

        public ICallback[] Callbacks { get; }

        /// <summary>True when every call needs its own handler: a callback here is isolated, or the hook must reach every callback.</summary>
        public bool HandlesFailures { get; }

        /// <summary>The index of the callback running; reset to -1 when the dispatch completes, so it stays set only after a failure.</summary>
        public int Running = -1;
    }
}
