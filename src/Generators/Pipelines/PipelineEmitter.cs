using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Helpers;
using DreamTrainer.Generators.Models;

namespace DreamTrainer.Generators.Pipelines;

/// <summary>
/// Writes the ICallbackDispatcher of a <c>[CallbackPipeline]</c> class: per hook, one direct call
/// per member in the order fixed at compile time. Calls go through the member's static type; for a
/// sealed callback the JIT turns them into direct (inlinable) calls.
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
        writer.OpenBlock($"partial {type.Keyword} {type.Name}{type.TypeParameters} : {Runtime}.ICallbackDispatcher");

        EmitCallbacks(writer, model);
        EmitRunningCallback(writer, model);

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
                if (i > 0)
                {
                    writer.WriteLine();
                }

                if (call.IsOptional)
                {
                    // Nullable members are optional: skipped while null.
                    writer.OpenBlock($"if ({This(call.Member)} is {{ }} {LocalName(call.Member)})");
                    EmitCall(writer, hook, call, LocalName(call.Member));
                    writer.CloseBlock();
                }
                else
                {
                    EmitCall(writer, hook, call, This(call.Member));
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
        bool anyOptional = false;
        foreach (PipelineMember member in model.Members)
        {
            anyOptional |= member.IsOptional;
        }

        if (!anyOptional)
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
        writer.WriteLine($"var callbacks = new global::System.Collections.Generic.List<{Runtime}.ICallback>({model.Members.Count});");
        foreach (PipelineMember member in model.Members)
        {
            if (member.IsOptional)
            {
                writer.OpenBlock($"if ({This(member.Name)} is {{ }} {LocalName(member.Name)})");
                writer.WriteLine($"callbacks.Add({LocalName(member.Name)});");
                writer.CloseBlock();
            }
            else
            {
                writer.WriteLine($"callbacks.Add({Required(member, model)});");
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
        writer.WriteLine("// The member whose hook runs. A propagate-policy callback's failure passes through without a");
        writer.WriteLine("// handler (a handler would stop the JIT from inlining the dispatch); the trainer reads this to name it.");
        writer.WriteLine(ScopeEmitter.GeneratedCodeAttribute);
        writer.WriteLine("private int __running = -1;");
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"{Runtime}.ICallback? {Runtime}.ICallbackDispatcher.RunningCallback => this.__running switch");
        writer.WriteLine("{");
        for (int i = 0; i < model.Members.Count; i++)
        {
            writer.WriteLine($"    {i} => {This(model.Members[i].Name)},");
        }

        writer.WriteLine("    _ => null,");
        writer.WriteLine("};");
    }

    private static void EmitCall(SourceWriter writer, PipelineHook hook, PipelineCall call, string target)
    {
        HookDefinition definition = HookCatalog.All[hook.Ordinal];
        if (hook.Ordinal == HookCatalog.SaveStateOrdinal || hook.Ordinal == HookCatalog.LoadStateOrdinal)
        {
            string argument = hook.Ordinal == HookCatalog.SaveStateOrdinal ? "writer" : "reader";
            writer.WriteLine($"{Runtime}.CallbackDispatch.{definition.Name}(context, {target}, {argument});");
            return;
        }

        // Exception and TrainEnd reach every callback, so each call has its own handler there;
        // elsewhere only isolated callbacks need one.
        bool deliverToAll = hook.Ordinal == HookCatalog.ExceptionOrdinal || hook.Ordinal == HookCatalog.TrainEndOrdinal;
        if (!deliverToAll && !call.IsIsolated)
        {
            writer.WriteLine($"// {call.Member}: priority {call.Priority}");
            writer.WriteLine($"this.__running = {call.Index};");
            writer.WriteLine($"(({Runtime}.ICallback){target}).{definition.MethodName}({ScopeEmitter.ForwardArguments(definition)});");
            return;
        }

        writer.WriteLine($"// {call.Member}: priority {call.Priority}{(call.IsIsolated && !deliverToAll ? ", isolated" : string.Empty)}");
        writer.OpenBlock("try");
        writer.WriteLine($"(({Runtime}.ICallback){target}).{definition.MethodName}({ScopeEmitter.ForwardArguments(definition)});");
        writer.CloseBlock();
        writer.OpenBlock("catch (global::System.Exception failure)");
        writer.WriteLine($"{Runtime}.CallbackDispatch.HandleFailure(context, {target}, {Runtime}.Hook.{definition.Name}, failure);");
        writer.CloseBlock();
    }

    /// <summary>A member access: <c>this.Logger</c>, <c>this.@event</c>.</summary>
    private static string This(string member) => "this." + Identifiers.Escape(member);

    /// <summary>A local for an optional member: its name in camel case, prefixed so it never meets a parameter.</summary>
    private static string LocalName(string member)
    {
        string stem = member.TrimStart('_');
        return "optional" + (stem.Length == 0 ? "Member" : char.ToUpperInvariant(stem[0]) + stem.Substring(1));
    }
}
