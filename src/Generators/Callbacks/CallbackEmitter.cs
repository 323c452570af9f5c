using System.Collections.Generic;
using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Helpers;
using DreamTrainer.Generators.Models;

namespace DreamTrainer.Generators.Callbacks;

/// <summary>Writes the ICallback implementation of one partial callback class.</summary>
internal static class CallbackEmitter
{
    /// <summary>The end of the generated file's name, after the type's file stem.</summary>
    public const string FileSuffix = ".Callback.g.cs";

    private const string Runtime = "global::DreamTrainer";

    public static string Emit(CallbackModel model, CancellationToken cancellationToken)
    {
        var writer = new SourceWriter();
        ScopeEmitter.OpenScope(writer, model.Scope, $"the hook methods of {model.Scope.FullName}");
        TypeDeclaration type = model.Scope.Type;
        string isolate = model.ErrorPolicy == 1 ? $", OnError = {Runtime}.CallbackErrorPolicy.Isolate" : string.Empty;
        writer.WriteLine($"[{Runtime}.GeneratedCallback({MaskExpression(model.Hooks)}{PriorityArguments(model)}{isolate})]");
        writer.OpenBlock($"partial {type.Keyword} {type.Name}{type.TypeParameters} : {Runtime}.ICallback");

        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"{Runtime}.HookMask {Runtime}.ICallback.Hooks => {MaskExpression(model.Hooks)};");
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"string {Runtime}.ICallback.StateKey => {model.StateKeyExpression};");
        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"{Runtime}.CallbackErrorPolicy {Runtime}.ICallback.ErrorPolicy => {Runtime}.CallbackErrorPolicy.{(model.ErrorPolicy == 1 ? "Isolate" : "Propagate")};");
        writer.WriteLine();
        EmitGetPriority(writer, model);
        EmitBindings(writer, model);

        foreach (HookModel hook in model.Hooks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!hook.Emit)
            {
                continue;
            }

            HookDefinition definition = HookCatalog.All[hook.Ordinal];
            writer.WriteLine();
            ScopeEmitter.MemberHeader(writer);
            writer.OpenBlock($"void {Runtime}.ICallback.{definition.MethodName}({ScopeEmitter.ParameterList(definition)})");
            bool isState = hook.Ordinal == HookCatalog.SaveStateOrdinal || hook.Ordinal == HookCatalog.LoadStateOrdinal;
            if (model.RankZeroOnly && !isState)
            {
                // [Callback(Ranks = CallbackRanks.Zero)]: state hooks still run everywhere (resume loads on every rank).
                writer.OpenBlock($"if (!{HookCatalog.ContextParameterName}.IsGlobalZero)");
                writer.WriteLine("return;");
                writer.CloseBlock();
                writer.WriteLine();
            }

            if (hook.Ordinal == HookCatalog.SaveStateOrdinal)
            {
                foreach (StateMemberModel member in model.State)
                {
                    writer.WriteLine(StateWrite(member));
                }
            }
            else if (hook.Ordinal == HookCatalog.LoadStateOrdinal)
            {
                var locals = new HashSet<string>(System.StringComparer.Ordinal);
                for (int i = 0; i < model.State.Count; i++)
                {
                    if (i > 0)
                    {
                        writer.WriteLine();
                    }

                    WriteStateRead(writer, model.State[i], locals);
                }
            }

            foreach (HookCall call in hook.Calls)
            {
                string receiver = call.Receiver is null ? string.Empty : call.Receiver + ".";
                writer.WriteLine($"{receiver}{Identifiers.Escape(call.MethodName)}({string.Join(", ", call.Arguments)});");
            }

            writer.CloseBlock();
        }

        writer.CloseBlock();
        ScopeEmitter.CloseScope(writer, model.Scope);
        return writer.ToString();
    }

    /// <summary>The typed-slot parameters, so the trainer checks their types once, when Fit starts.</summary>
    private static void EmitBindings(SourceWriter writer, CallbackModel model)
    {
        if (model.Bindings.Count == 0)
        {
            return;
        }

        writer.WriteLine();
        ScopeEmitter.MemberHeader(writer);
        writer.WriteLine($"global::System.Collections.Generic.IReadOnlyList<{Runtime}.HookBinding> {Runtime}.ICallback.Bindings => __hookBindings;");
        writer.WriteLine();
        writer.WriteLine("// What the hook methods bind by their own types; the trainer checks these when Fit starts.");
        writer.WriteLine(ScopeEmitter.GeneratedCodeAttribute);
        writer.WriteLine($"private static readonly {Runtime}.HookBinding[] __hookBindings =");
        writer.WriteLine("{");
        foreach (BindingModel binding in model.Bindings)
        {
            string method = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(binding.MethodName, quote: true);
            string allowsNull = binding.AllowsNull ? ", allowsNull: true" : string.Empty;
            // Named, not target-typed: the user's project may compile with C# 8.
            writer.WriteLine($"    new {Runtime}.HookBinding({Runtime}.Hook.{HookCatalog.All[binding.Ordinal].Name}, {Runtime}.BoundValue.{binding.Value}, typeof({binding.TypeOf}), {method}{allowsNull}),");
        }

        writer.WriteLine("};");
    }

    private static void EmitGetPriority(SourceWriter writer, CallbackModel model)
    {
        var overrides = new List<HookModel>();
        foreach (HookModel hook in model.Hooks)
        {
            if (hook.Priority != model.ClassPriority)
            {
                overrides.Add(hook);
            }
        }

        ScopeEmitter.MemberHeader(writer);
        string signature = $"int {Runtime}.ICallback.GetPriority({Runtime}.Hook hook)";
        if (overrides.Count == 0)
        {
            writer.WriteLine($"{signature} => {model.ClassPriority};");
            return;
        }

        writer.WriteLine($"{signature} => hook switch");
        writer.WriteLine("{");
        foreach (HookModel hook in overrides)
        {
            writer.WriteLine($"    {Runtime}.Hook.{HookCatalog.All[hook.Ordinal].Name} => {hook.Priority},");
        }

        writer.WriteLine($"    _ => {model.ClassPriority},");
        writer.WriteLine("};");
    }

    private static string MaskExpression(EquatableArray<HookModel> hooks)
    {
        var parts = new List<string>();
        foreach (HookModel hook in hooks)
        {
            parts.Add($"{Runtime}.HookMask.{HookCatalog.All[hook.Ordinal].Name}");
        }

        return parts.Count == 0 ? $"{Runtime}.HookMask.None" : string.Join(" | ", parts);
    }

    private static string PriorityArguments(CallbackModel model)
    {
        var parts = new List<string>();
        foreach (HookModel hook in model.Hooks)
        {
            if (hook.Priority != 0)
            {
                parts.Add($"{HookCatalog.All[hook.Ordinal].Name}Priority = {hook.Priority}");
            }
        }

        return parts.Count == 0 ? string.Empty : ", " + string.Join(", ", parts);
    }

    private static string StateWrite(StateMemberModel member)
    {
        string name = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(member.EntryName, quote: true);
        string value = "this." + Identifiers.Escape(member.MemberName);
        return member.Kind switch
        {
            StateKind.Single => $"writer.Write({name}, (double){value});",
            StateKind.NullableSingle => $"writer.Write({name}, (double?){value});",
            StateKind.Enum => $"writer.WriteEnum({name}, {value});",
            _ => $"writer.Write({name}, {value});",
        };
    }

    private static void WriteStateRead(SourceWriter writer, StateMemberModel member, HashSet<string> locals)
    {
        string name = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(member.EntryName, quote: true);

        // Out variables of an if condition share the method's scope: each needs its own name.
        string stem = member.MemberName.TrimStart('_');
        string local = (stem.Length == 0 ? "state" : char.ToLowerInvariant(stem[0]) + stem.Substring(1)) + "State";
        for (int n = 2; !locals.Add(local); n++)
        {
            local = local.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9') + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        string target = "this." + Identifiers.Escape(member.MemberName);
        (string declaration, string assigned) = member.Kind switch
        {
            StateKind.Boolean => ("out bool " + local, local),
            StateKind.Int32 => ("out int " + local, local),
            StateKind.Int64 => ("out long " + local, local),
            StateKind.Single => ("out double " + local, "(float)" + local),
            StateKind.Double => ("out double " + local, local),
            StateKind.String => ("out string? " + local, local + "!"),
            StateKind.NullableBoolean => ("out bool? " + local, local),
            StateKind.NullableInt32 => ("out int? " + local, local),
            StateKind.NullableInt64 => ("out long? " + local, local),
            StateKind.NullableSingle => ("out double? " + local, "(float?)" + local),
            StateKind.NullableDouble => ("out double? " + local, local),
            StateKind.DoubleArray => ("out global::System.Collections.Generic.List<double>? " + local, local + "?.ToArray()!"),
            StateKind.DoubleList => ("out global::System.Collections.Generic.List<double>? " + local, local + "!"),
            _ => ("out " + member.TypeDisplay + " " + local, local),
        };

        string read = member.Kind == StateKind.Enum
            ? $"reader.TryReadEnum<{member.TypeDisplay}>({name}, {declaration})"
            : $"reader.TryRead({name}, {declaration})";
        writer.OpenBlock($"if ({read})");
        writer.WriteLine($"{target} = {assigned};");
        writer.CloseBlock();
    }
}
