using DreamTrainer.Contract;
using DreamTrainer.Generators.Helpers;

namespace DreamTrainer.Generators.Models;

/// <summary>One call of a user hook method, with the argument expressions bound to it.</summary>
/// <param name="MethodName">The user's method.</param>
/// <param name="Arguments">e.g. <c>context</c>, <c>in output</c>.</param>
/// <param name="Receiver">
/// Null for a plain call; <c>base</c> or <c>((global::Base)this)</c> for a base class's method that a
/// member of the same name in a derived class hides (a <c>new</c> method, an overload), so the call
/// still reaches the base's.
/// </param>
internal sealed record HookCall(string MethodName, EquatableArray<string> Arguments, string? Receiver = null);

/// <summary>A hook a callback implements.</summary>
/// <param name="Ordinal">The hook's ordinal in the catalogue.</param>
/// <param name="Priority">Its priority: the highest explicit hook-attribute priority, else the class default.</param>
/// <param name="Calls">The user methods to call, base class first, then declaration order.</param>
/// <param name="Emit">False when only an inaccessible base method handles it: the base's implementation serves.</param>
internal sealed record HookModel(int Ordinal, int Priority, EquatableArray<HookCall> Calls, bool Emit);

/// <summary>A hook-method parameter bound to a typed slot, which the trainer checks when Fit starts.</summary>
/// <param name="Ordinal">The hook's ordinal.</param>
/// <param name="Value">The runtime's <c>BoundValue</c> member: <c>Batch</c>, <c>Outputs</c>, <c>Model</c>, <c>Optimizer</c>.</param>
/// <param name="TypeOf">The parameter's type as <c>typeof</c> takes it.</param>
/// <param name="MethodName">The hook method, for messages.</param>
/// <param name="AllowsNull">The parameter is declared nullable.</param>
internal sealed record BindingModel(int Ordinal, string Value, string TypeOf, string MethodName, bool AllowsNull);

/// <summary>A <c>[CallbackState]</c> field or property.</summary>
/// <param name="MemberName">The member.</param>
/// <param name="EntryName">Its name in the checkpoint.</param>
/// <param name="Kind">How it is written.</param>
/// <param name="TypeDisplay">The fully qualified type (used for enums).</param>
internal sealed record StateMemberModel(string MemberName, string EntryName, StateKind Kind, string TypeDisplay);

/// <summary>Everything the emitter needs to implement ICallback for one partial class.</summary>
/// <param name="Scope">Where the partial goes.</param>
/// <param name="ClassPriority">The class default priority.</param>
/// <param name="ErrorPolicy">0 = Propagate, 1 = Isolate.</param>
/// <param name="RankZeroOnly">True for <c>[Callback(Ranks = CallbackRanks.Zero)]</c>: hooks return at once on other ranks.</param>
/// <param name="StateKeyExpression">A C# expression: a string literal, or <c>this.StateKey</c>.</param>
/// <param name="Hooks">The implemented hooks, by ordinal.</param>
/// <param name="State">The state members.</param>
/// <param name="Bindings">The typed-slot parameters of every hook method, base classes first.</param>
internal sealed record CallbackModel(
    TypeScope Scope,
    int ClassPriority,
    int ErrorPolicy,
    bool RankZeroOnly,
    string StateKeyExpression,
    EquatableArray<HookModel> Hooks,
    EquatableArray<StateMemberModel> State,
    EquatableArray<BindingModel> Bindings) : IGeneratedType<CallbackModel>
{
    /// <inheritdoc/>
    public CallbackModel WithScope(TypeScope scope) => this with { Scope = scope };
}
