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
    private const string Runtime = "global::DreamTrainer";

    public static string Emit(PipelineModel model)
    {
        var writer = new SourceWriter();
        ScopeEmitter.OpenScope(writer, model.Scope, $"the callback members of {model.Scope.FullName}");
        TypeDeclaration type = model.Scope.Type;
        writer.WriteLine($"[global::System.CodeDom.Compiler.GeneratedCode(\"DreamTrainer.Generators\", \"{ScopeEmitter.Version}\")]");
        writer.OpenBlock($"partial {type.Keyword} {type.Name}{type.TypeParameters} : {Runtime}.ICallbackDispatcher");

        writer.WriteLine("/// <inheritdoc/>");
        writer.WriteLine($"public global::System.Collections.Generic.IReadOnlyList<{Runtime}.ICallback> Callbacks => new {Runtime}.ICallback[]");
        writer.WriteLine("{");
        foreach (PipelineMember member in model.Members)
        {
            writer.WriteLine($"    this.{member.Name} ?? throw new global::System.InvalidOperationException(\"Callback member '{member.Name}' of pipeline {model.Scope.FullName} is null.\"),");
        }

        writer.WriteLine("};");

        foreach (PipelineHook hook in model.Hooks)
        {
            HookDefinition definition = HookCatalog.All[hook.Ordinal];
            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc/>");
            writer.OpenBlock($"public void {definition.MethodName}({ScopeEmitter.ParameterList(definition)})");
            for (int i = 0; i < hook.Calls.Count; i++)
            {
                PipelineCall call = hook.Calls[i];
                string member = "this." + call.Member;
                if (hook.Ordinal == HookCatalog.SaveStateOrdinal || hook.Ordinal == HookCatalog.LoadStateOrdinal)
                {
                    string argument = hook.Ordinal == HookCatalog.SaveStateOrdinal ? "writer" : "reader";
                    writer.WriteLine($"{Runtime}.CallbackDispatch.{definition.Name}(context, {member}, {argument});");
                    continue;
                }

                if (i > 0)
                {
                    writer.WriteLine();
                }

                writer.WriteLine($"// {call.Member}: priority {call.Priority}");
                writer.OpenBlock("try");
                writer.WriteLine($"(({Runtime}.ICallback){member}).{definition.MethodName}({ScopeEmitter.ForwardArguments(definition)});");
                writer.CloseBlock();
                writer.OpenBlock("catch (global::System.Exception failure)");
                writer.WriteLine($"{Runtime}.CallbackDispatch.HandleFailure(context, {member}, {Runtime}.Hook.{definition.Name}, failure);");
                writer.CloseBlock();
            }

            writer.CloseBlock();
        }

        writer.CloseBlock();
        ScopeEmitter.CloseScope(writer, model.Scope);
        return writer.ToString();
    }
}
