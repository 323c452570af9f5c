using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0301: catches in callbacks that swallow the exception.</summary>
public class DT0301Tests
{
    private const string Log = """

        public static class Log
        {
            public static void Error(string message) { }
            public static void Error(System.Exception exception, string message) { }
        }
        """;

    [Fact]
    public void The_guides_error_handling_callback_is_reported_when_it_logs_only_a_constant() => AnalyzerVerifier.Verify("""
        using System;
        using DreamTrainer;

        public sealed partial class ErrorHandlingCallback
        {
            [OnTrainEpochEnd]
            void Run(TrainerContext trainer)
            {
                try
                {
                    RiskyOperation();
                }
                {|DT0301:catch|} (Exception e)
                {
                    Log.Error("Callback error");
                }
            }

            private static void RiskyOperation() { }
        }
        """ + Log);

    [Fact]
    public void Printing_the_message_or_the_text_and_carrying_on_is_reported() => AnalyzerVerifier.Verify("""
        using System;
        using DreamTrainer;

        public sealed partial class ErrorHandlingCallback
        {
            [OnTrainEpochEnd]
            void Run(TrainerContext trainer)
            {
                try { RiskyOperation(); }
                {|DT0301:catch|} (Exception e) { Log.Error($"Callback error: {e}"); }

                try { RiskyOperation(); }
                {|DT0301:catch|} (Exception e) { Console.WriteLine(e.Message); }

                try { RiskyOperation(); }
                {|DT0301:catch|} (Exception e) { Console.WriteLine(e.HResult); }

                try { RiskyOperation(); }
                {|DT0301:catch|} (Exception e) { Console.WriteLine(e); }
            }

            private static void RiskyOperation() { }
        }
        """ + Log);

    [Fact]
    public void The_guides_error_handling_callback_is_not_reported_when_it_hands_the_exception_on() => AnalyzerVerifier.Verify("""
        using System;
        using DreamTrainer;

        public sealed partial class ErrorHandlingCallback
        {
            [OnTrainEpochEnd]
            void Run(TrainerContext trainer)
            {
                try { RiskyOperation(); }
                catch (Exception e) { trainer.ReportError(new AggregateException("wrapped", e)); }

                try { RiskyOperation(); }
                catch (InvalidOperationException e) { Log.Error(e, "retrying"); }

                try { RiskyOperation(); }
                catch (Exception e) { trainer.ReportError(e); }

                try { RiskyOperation(); }
                catch (Exception e) { throw new InvalidOperationException("wrapped", e); }

                try { RiskyOperation(); }
                catch { throw; }
            }

            private static void RiskyOperation() { }
        }
        """ + Log);

    [Fact]
    public void Empty_unnamed_and_bare_catches_are_reported() => AnalyzerVerifier.Verify("""
        using System;
        using DreamTrainer;

        public sealed partial class Careless
        {
            private int _failures;

            [OnTrainEnd]
            void Close(TrainerContext trainer)
            {
                try { Dispose(); } {|DT0301:catch|} (Exception) { _failures++; }
                try { Dispose(); } {|DT0301:catch|} { }
                try { Dispose(); } {|DT0301:catch|} (Exception e) { }
                try { Dispose(); } {|DT0301:catch|} (Exception e) { _failures++; }
            }

            private static void Dispose() { }
        }
        """);

    [Fact]
    public void Catches_outside_callbacks_are_not_this_rules_business() => AnalyzerVerifier.Verify("""
        using System;

        public sealed class NotACallback
        {
            void Run()
            {
                try { } catch { }
            }
        }
        """);
}
