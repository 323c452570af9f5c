using Microsoft.CodeAnalysis;

namespace DreamTrainer.Analyzers.Diagnostics;

/// <summary>
/// Every diagnostic DreamTrainer reports, with fixed ids. DT01xx: declarations the generator cannot
/// wire; DT02xx: trainer-state mutation; DT03xx: swallowed exceptions; DT04xx: allocation on the
/// per-batch path. Their pages are docs/diagnostics/&lt;id&gt;.md; the link to them is added per
/// compilation by <see cref="HelpLinks"/>, never a fixed address that may not exist.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string DeclarationCategory = "DreamTrainer.Declaration";
    public const string CorrectnessCategory = "DreamTrainer.Correctness";
    public const string PerformanceCategory = "DreamTrainer.Performance";

    public static readonly DiagnosticDescriptor CallbackNotPartial = Create(
        "DT0101",
        "Callback class must be partial",
        "'{0}' has hook methods but {1} is not partial; add 'partial' so the generator can implement ICallback",
        DeclarationCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnbindableParameter = Create(
        "DT0102",
        "Hook parameter cannot be bound",
        "Parameter '{0}' of '{1}' cannot be bound in {2}; {3}",
        DeclarationCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidHookMethod = Create(
        "DT0103",
        "Hook method cannot be called as a hook",
        "'{0}' cannot be called as the {1} hook: {2}",
        DeclarationCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateStateKey = Create(
        "DT0104",
        "Duplicate callback state key",
        "State key '{0}' of '{1}' is also used by '{2}'; checkpoints could not tell their state apart",
        DeclarationCategory,
        DiagnosticSeverity.Error,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor PipelineMemberNotCallback = Create(
        "DT0105",
        "Pipeline member cannot be called",
        "Member '{0}' of pipeline '{1}' {2}; the pipeline would never call it",
        DeclarationCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedStateMember = Create(
        "DT0106",
        "Callback state member cannot be saved",
        "[CallbackState] member '{0}' {1}; it would not survive a checkpoint",
        DeclarationCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor HookNamedWithoutAttribute = Create(
        "DT0107",
        "Method is named like a hook but has no hook attribute",
        "'{0}' is named like a training hook, but without a hook attribute the trainer never calls it; mark it [{1}]",
        DeclarationCategory,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnknownHookAttribute = Create(
        "DT0108",
        "Unknown hook attribute",
        "[{0}] is not a DreamTrainer hook; the matching hook is [{1}]",
        DeclarationCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor CallbackBaseClass = Create(
        "DT0109",
        "Callbacks do not derive from a Callback base class",
        "'{0}' derives from '{1}', which DreamTrainer does not have: a callback is a partial class whose methods carry hook attributes ([OnTrainBatchEnd], …), and the generator implements ICallback for it; remove ': {1}' and make '{0}' partial",
        DeclarationCategory,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MutatesTrainerState = Create(
        "DT0201",
        "Callback mutates trainer state",
        "{0} changes trainer state outside the sanctioned controls; use RequestStop, Log, SetLearningRate, RequestCheckpoint or ReportError",
        CorrectnessCategory,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SwallowsException = Create(
        "DT0301",
        "Callback swallows an exception",
        "This catch {0}; rethrow with 'throw;' or hand the exception to the trainer with ReportError",
        CorrectnessCategory,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor AllocatesInBatchHook = Create(
        "DT0401",
        "Allocation in a per-batch hook",
        "{0} allocates in {1}, which runs on every batch; hoist it out of the per-batch path, or suppress DT0401 where it runs only rarely",
        PerformanceCategory,
        DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, params string[] tags) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: null, customTags: tags);
}
