using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs an analyzer and adds up the time its callbacks take, on every thread. Roslyn's own
/// telemetry (<c>logAnalyzerExecutionTime</c>) is only kept on the analyzer-only path, which binds
/// the compilation a second time; this one works inside <c>GetAllDiagnosticsAsync</c>, the single
/// pass a build makes.
/// </summary>
#pragma warning disable RS1001, RS1012, RS1025, RS1026 // A test wrapper: the wrapped analyzer configures and registers itself.
internal sealed class TimedAnalyzer : DiagnosticAnalyzer
{
    private long _ticks;

    public TimedAnalyzer(DiagnosticAnalyzer inner) => Inner = inner;

    public DiagnosticAnalyzer Inner { get; }

    public TimeSpan Elapsed => TimeSpan.FromSeconds(Interlocked.Read(ref _ticks) / (double)Stopwatch.Frequency);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Inner.SupportedDiagnostics;

    public override void Initialize(AnalysisContext context) => Inner.Initialize(new Context(context, this));

    private Action<T> Timed<T>(Action<T> action) => argument =>
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            action(argument);
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        }
    };

    private sealed class Context(AnalysisContext inner, TimedAnalyzer timer) : AnalysisContext
    {
        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => inner.ConfigureGeneratedCodeAnalysis(analysisMode);

        public override void EnableConcurrentExecution() => inner.EnableConcurrentExecution();

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) =>
            inner.RegisterCompilationStartAction(timer.Timed<CompilationStartAnalysisContext>(start => action(new CompilationStart(start, timer))));

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => inner.RegisterCompilationAction(timer.Timed(action));

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => inner.RegisterSyntaxTreeAction(timer.Timed(action));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => inner.RegisterSemanticModelAction(timer.Timed(action));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => inner.RegisterSymbolAction(timer.Timed(action), symbolKinds);

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) =>
            inner.RegisterSymbolStartAction(timer.Timed<SymbolStartAnalysisContext>(start => action(new SymbolStart(start, timer))), symbolKind);

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => inner.RegisterCodeBlockStartAction(timer.Timed(action));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => inner.RegisterCodeBlockAction(timer.Timed(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => inner.RegisterSyntaxNodeAction(timer.Timed(action), syntaxKinds);

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => inner.RegisterOperationBlockStartAction(timer.Timed(action));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => inner.RegisterOperationBlockAction(timer.Timed(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => inner.RegisterOperationAction(timer.Timed(action), operationKinds);
    }

    private sealed class CompilationStart(CompilationStartAnalysisContext inner, TimedAnalyzer timer)
        : CompilationStartAnalysisContext(inner.Compilation, inner.Options, inner.CancellationToken)
    {
        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => inner.RegisterCompilationEndAction(timer.Timed(action));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => inner.RegisterSemanticModelAction(timer.Timed(action));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => inner.RegisterSymbolAction(timer.Timed(action), symbolKinds);

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) =>
            inner.RegisterSymbolStartAction(timer.Timed<SymbolStartAnalysisContext>(start => action(new SymbolStart(start, timer))), symbolKind);

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => inner.RegisterCodeBlockStartAction(timer.Timed(action));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => inner.RegisterCodeBlockAction(timer.Timed(action));

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => inner.RegisterSyntaxTreeAction(timer.Timed(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => inner.RegisterSyntaxNodeAction(timer.Timed(action), syntaxKinds);

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => inner.RegisterOperationBlockStartAction(timer.Timed(action));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => inner.RegisterOperationBlockAction(timer.Timed(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => inner.RegisterOperationAction(timer.Timed(action), operationKinds);
    }

#pragma warning disable CS0618 // The public constructor is obsolete for analyzers; a test wrapper forwarding to a real context is what it is for.
    private sealed class SymbolStart(SymbolStartAnalysisContext inner, TimedAnalyzer timer)
        : SymbolStartAnalysisContext(inner.Symbol, inner.Compilation, inner.Options, inner.CancellationToken)
#pragma warning restore CS0618
    {
        public override void RegisterSymbolEndAction(Action<SymbolAnalysisContext> action) => inner.RegisterSymbolEndAction(timer.Timed(action));

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => inner.RegisterCodeBlockStartAction(timer.Timed(action));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => inner.RegisterCodeBlockAction(timer.Timed(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => inner.RegisterSyntaxNodeAction(timer.Timed(action), syntaxKinds);

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => inner.RegisterOperationBlockStartAction(timer.Timed(action));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => inner.RegisterOperationBlockAction(timer.Timed(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => inner.RegisterOperationAction(timer.Timed(action), operationKinds);
    }
}
