using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Helpers;
using DreamTrainer.Generators.Models;

namespace DreamTrainer.Generators.Pipelines;

/// <summary>
/// Writes the ICallbackDispatcher of a <c>[CallbackPipeline]</c> class: per hook, one direct call
/// per callback in the order fixed at compile time. Calls go through the member's static type; for a
/// sealed callback the JIT turns them into direct (inlinable) calls. The pipeline is also an
/// ICallback — a group — so it can sit in a CallbackCollection or in another pipeline.
/// </summary>
internal static class PipelineEmitter
{
    /// <summary>The end of the generated file's name, after the type's file stem.</summary>
    public const string FileSuffix = ".Pipeline.g.cs";

    private const string Runtime = "global::DreamTrainer";

    public static string Emit(PipelineModel model, CancellationToken cancellationToken)
    {
        var writer = new SourceWriter();
        ScopeEmitter.OpenScope(writer, model.Scope, $"the callback members of {model.Scope.FullName}");
        TypeDeclaration type = model.Scope.Type;
        writer.WriteLine($"[{Runtime}.GeneratedCallback({Mask(model)}{PriorityArguments(model)})]");
        writer.OpenBlock($"partial {type.Keyword} {type.Name}{type.TypeParameters} : {Runtime}.ICallbackDispatcher, {Runtime}.ICallback");

        EmitCallbacks(writer, model);
        EmitRunningCallback(writer, model);
        EmitGroup(writer, model);

        foreach (PipelineHook hook in model.Hooks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            HookDefinition definition = HookCatalog.All[hook.Ordinal];
            writer.WriteLine();
            ScopeEmitter.MemberHeader(writer);
            if (IsPerBatch(hook))
            {
                // Per-batch dispatch is a few direct calls: ask the JIT to inline it into the loop.
                writer.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            }

            writer.OpenBlock($"public void {definition.MethodName}({ScopeEmitter.ParameterList(definition)})");
            for (int i = 0; i < hook.Calls.Count; i++)
            {
                PipelineCall call = hook.Calls[i];
                PipelineLeaf leaf = model.Leaves[call.Leaf];
                if (i > 0)
                {
                    writer.WriteLine();
                }

                if (IsOptional(leaf.Path))
                {
                    // Nullable members are optional: skipped while null.
                    writer.OpenBlock($"if ({Access(leaf.Path)} is {{ }} {LocalName(leaf.Path)})");
                    EmitCall(writer, hook, call, leaf, LocalName(leaf.Path));
                    writer.CloseBlock();
                }
                else
                {
                    EmitCall(writer, hook, call, leaf, Access(leaf.Path));
                }
            }

            writer.CloseBlock();
        }

        writer.CloseBlock();
        ScopeEmitter.CloseScope(writer, model.Scope);
        return writer.ToString();
    }

    private static void EmitCallbacks(SourceWriter writer, PipelineModel model)
    {
        ScopeEmitter.MemberHeader(writer);
        string type = $"global::System.Collections.Generic.IReadOnlyList<{Runtime}.ICallback>";
        if (!model.Members.Any(static m => m.IsOptional || m.IsGroup))
        {
            writer.WriteLine($"{type} {Runtime}.ICallbackDispatcher.Callbacks => new {Runtime}.ICallback[]");
            writer.WriteLine("{");
            foreach (PipelineMember member in model.Members)
            {
                writer.WriteLine($"    {Required(member, model)},");
            }

            writer.WriteLine("};");
            return;
        }

        writer.OpenBlock($"{type} {Runtime}.ICallbackDispatcher.Callbacks");
        writer.OpenBlock("get");
        writer.WriteLine($"var callbacks = new global::System.Collections.Generic.List<{Runtime}.ICallback>({model.Leaves.Count});");
        foreach (PipelineMember member in model.Members)
        {
            // A group (a nested pipeline) contributes its members, each keeping its state key.
            string add = member.IsGroup ? "callbacks.AddRange((({0}.ICallbackDispatcher){1}).Callbacks);" : "callbacks.Add({1});";
            if (member.IsOptional)
            {
                string local = LocalName(new[] { new MemberSegment(member.Name, true) });
                writer.OpenBlock($"if ({This(member.Name)} is {{ }} {local})");
                writer.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, add, Runtime, local));
                writer.CloseBlock();
            }
            else
            {
                string required = member.IsGroup ? $"({Required(member, model)})" : Required(member, model);
                writer.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, add, Runtime, required));
            }
        }

        writer.WriteLine("return callbacks;");
        writer.CloseBlock();
        writer.CloseBlock();
    }

    private static string Required(PipelineMember member, PipelineModel model) =>
        $"{This(member.Name)} ?? throw new global::System.InvalidOperationException(\"Callback member '{member.Name}' of pipeline {model.Scope.FullName} is null.\")";

    private static bool IsPerBatch(PipelineHook hook) => HookCatalog.All[hook.Ordinal].IsPerBatch && hook.Calls.Count > 0;

    private static void EmitRunningCallback(SourceWriter writer, PipelineModel model)
    {
        writer.WriteLine();
        writer.WriteLine("// The callback whose hook runs. A propagate-policy callback's failure passes through without a");
        writer.WriteLine("// handler (a handler would stop the JIT from inlining the dispatch); the trainer reads this to name it.");
        writer.WriteLine(ScopeEmitter.GeneratedCodeAttribute);
        writer.WriteLine("private int __running = -1;");
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"{Runtime}.ICallback? {Runtime}.ICallbackDispatcher.RunningCallback => this.__running switch");
        writer.WriteLine("{");
        for (int i = 0; i < model.Leaves.Count; i++)
        {
            PipelineLeaf leaf = model.Leaves[i];
            string target = Access(leaf.Path);

            // A group compiled elsewhere knows which of its members ran.
            string value = leaf.IsGroup ? $"(({Runtime}.ICallbackDispatcher?){target})?.RunningCallback ?? {target}" : target;
            writer.WriteLine($"    {i} => {value},");
        }

        writer.WriteLine("    _ => null,");
        writer.WriteLine("};");
    }

    /// <summary>The pipeline as one callback: its hooks, their priorities (the highest of its members'), a state key.</summary>
    private static void EmitGroup(SourceWriter writer, PipelineModel model)
    {
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"{Runtime}.HookMask {Runtime}.ICallback.Hooks => {Mask(model)};");
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"string {Runtime}.ICallback.StateKey => {Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(model.Scope.FullName, quote: true)};");
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"{Runtime}.CallbackErrorPolicy {Runtime}.ICallback.ErrorPolicy => {Runtime}.CallbackErrorPolicy.Propagate;");
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        List<(PipelineHook Hook, int Priority)> prioritised = Prioritised(model).Where(static p => p.Priority != 0).ToList();
        string signature = $"int {Runtime}.ICallback.GetPriority({Runtime}.Hook hook)";
        if (prioritised.Count == 0)
        {
            writer.WriteLine($"{signature} => 0;");
            return;
        }

        writer.WriteLine($"{signature} => hook switch");
        writer.WriteLine("{");
        foreach ((PipelineHook hook, int priority) in prioritised)
        {
            writer.WriteLine($"    {Runtime}.Hook.{HookCatalog.All[hook.Ordinal].Name} => {priority},");
        }

        writer.WriteLine("    _ => 0,");
        writer.WriteLine("};");
    }

    /// <summary>The hooks with calls and, for each, the highest priority among them (the first call's: calls are sorted).</summary>
    private static IEnumerable<(PipelineHook Hook, int Priority)> Prioritised(PipelineModel model) =>
        model.Hooks.Where(static h => h.Calls.Count > 0).Select(static h => (h, h.Calls[0].Priority));

    private static string Mask(PipelineModel model)
    {
        string[] parts = Prioritised(model).Select(static p => $"{Runtime}.HookMask.{HookCatalog.All[p.Hook.Ordinal].Name}").ToArray();
        return parts.Length == 0 ? $"{Runtime}.HookMask.None" : string.Join(" | ", parts);
    }

    private static string PriorityArguments(PipelineModel model)
    {
        string[] parts = Prioritised(model).Where(static p => p.Priority != 0).Select(static p => $"{HookCatalog.All[p.Hook.Ordinal].Name}Priority = {p.Priority}").ToArray();
        return parts.Length == 0 ? string.Empty : ", " + string.Join(", ", parts);
    }

    private static void EmitCall(SourceWriter writer, PipelineHook hook, PipelineCall call, PipelineLeaf leaf, string target)
    {
        HookDefinition definition = HookCatalog.All[hook.Ordinal];
        string name = string.Join(".", leaf.Path.Select(static s => s.Name));
        if (hook.Ordinal == HookCatalog.SaveStateOrdinal || hook.Ordinal == HookCatalog.LoadStateOrdinal)
        {
            string argument = hook.Ordinal == HookCatalog.SaveStateOrdinal ? "writer" : "reader";
            string method = leaf.IsGroup ? definition.MethodName : definition.Name;

            // A group writes each member's state under that member's own key.
            writer.WriteLine(leaf.IsGroup
                ? $"(({Runtime}.ICallbackDispatcher){target}).{method}(context, {argument});"
                : $"{Runtime}.CallbackDispatch.{method}(context, {target}, {argument});");
            return;
        }

        // Exception and TrainEnd reach every callback, so each call has its own handler there;
        // elsewhere only isolated callbacks need one.
        bool deliverToAll = hook.Ordinal == HookCatalog.ExceptionOrdinal || hook.Ordinal == HookCatalog.TrainEndOrdinal;
        if (!deliverToAll && !call.IsIsolated)
        {
            writer.WriteLine($"// {name}: priority {call.Priority}");
            writer.WriteLine($"this.__running = {call.Leaf};");
            writer.WriteLine($"(({Runtime}.ICallback){target}).{definition.MethodName}({ScopeEmitter.ForwardArguments(definition)});");
            return;
        }

        writer.WriteLine($"// {name}: priority {call.Priority}{(call.IsIsolated && !deliverToAll ? ", isolated" : string.Empty)}");
        writer.OpenBlock("try");
        writer.WriteLine($"(({Runtime}.ICallback){target}).{definition.MethodName}({ScopeEmitter.ForwardArguments(definition)});");
        writer.CloseBlock();
        writer.OpenBlock("catch (global::System.Exception failure)");
        writer.WriteLine($"{Runtime}.CallbackDispatch.HandleFailure(context, {target}, {Runtime}.Hook.{definition.Name}, failure);");
        writer.CloseBlock();
    }

    /// <summary>A member access: <c>this.Logger</c>, <c>this.@event</c>.</summary>
    private static string This(string member) => "this." + Identifiers.Escape(member);

    private static bool IsOptional(IEnumerable<MemberSegment> path) => path.Any(static s => s.IsOptional);

    /// <summary>The access to a callback: <c>this.Group.Loss</c>, with <c>?.</c> after an optional member.</summary>
    private static string Access(EquatableArray<MemberSegment> path)
    {
        string access = This(path[0].Name);
        for (int i = 1; i < path.Count; i++)
        {
            access += (path[i - 1].IsOptional ? "?." : ".") + Identifiers.Escape(path[i].Name);
        }

        return access;
    }

    /// <summary>A local for an optional callback: its path in camel case, prefixed so it never meets a parameter.</summary>
    private static string LocalName(IEnumerable<MemberSegment> path)
    {
        string joined = string.Concat(path.Select(static s =>
        {
            string stem = s.Name.TrimStart('_');
            return stem.Length == 0 ? "Member" : char.ToUpperInvariant(stem[0]) + stem.Substring(1);
        }));
        return "optional" + joined;
    }
}
