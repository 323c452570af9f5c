using System.Threading.Tasks;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.CodeFixes;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.CodeFixes;

public class SwallowedExceptionCodeFixTests
{
    private const string Before = """
        using System;
        using DreamTrainer;

        public sealed partial class Careless
        {
            [OnTrainEpochEnd]
            void Run(TrainerContext trainer)
            {
                try
                {
                    Risky();
                }
                catch (Exception e)
                {
                }
            }

            private static void Risky() { }
        }
        """;

    [Fact]
    public async Task Rethrow_adds_throw_and_drops_the_unused_name_so_no_CS0168_is_left()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), Before, SwallowedExceptionCodeFix.RethrowKey, fixAll: false);

        Assert.Equal(Before.Replace("catch (Exception e)\n        {\n        }", "catch (Exception)\n        {\n            throw;\n        }", System.StringComparison.Ordinal), fixedSource);
        CodeFixVerifier.AssertCleanAfterFix(fixedSource);
    }

    [Fact]
    public async Task Rethrow_keeps_the_name_the_handler_uses()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), """
            using System;
            using DreamTrainer;

            public sealed partial class Careless
            {
                [OnTrainEpochEnd]
                void Run()
                {
                    try { Risky(); }
                    catch (Exception e) { Console.WriteLine(e.Message); }
                }

                private static void Risky() { }
            }
            """, SwallowedExceptionCodeFix.RethrowKey, fixAll: false);

        Assert.True(fixedSource.Contains("catch (Exception e) { Console.WriteLine(e.Message); throw; }", System.StringComparison.Ordinal), fixedSource);
        CodeFixVerifier.AssertCleanAfterFix(fixedSource);
    }

    [Fact]
    public async Task Report_on_a_bare_catch_writes_Exception_and_adds_using_System()
    {
        const string bare = """
            using DreamTrainer;

            public sealed partial class Careless
            {
                [OnTrainEnd]
                void Close(TrainerContext context)
                {
                    try { Risky(); }
                    catch { }
                }

                private static void Risky() { }
            }
            """;

        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), bare, SwallowedExceptionCodeFix.ReportKey, fixAll: false);

        Assert.Equal(
            "using System;\n" + bare.Replace("catch { }", "catch (Exception exception) { context.ReportError(exception); }", System.StringComparison.Ordinal),
            fixedSource);
        CodeFixVerifier.AssertCleanAfterFix(fixedSource);
    }

    [Fact]
    public async Task Suppress_wraps_a_deliberate_cleanup_catch_in_a_justified_pragma()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), """
            using System;
            using DreamTrainer;

            public sealed partial class Cleanup
            {
                [OnTrainEnd]
                void Close()
                {
                    try { System.IO.File.Delete("scratch.tmp"); } catch (System.IO.IOException) { }
                    try
                    {
                        Risky();
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }

                private static void Risky() { }
            }
            """, SwallowedExceptionCodeFix.SuppressKey, fixAll: true);

        Assert.Equal("""
            using System;
            using DreamTrainer;

            public sealed partial class Cleanup
            {
                [OnTrainEnd]
                void Close()
                {
                    try { System.IO.File.Delete("scratch.tmp"); }
                    #pragma warning disable DT0301 // Deliberate cleanup catch: a failure here must not stop training
                    catch (System.IO.IOException) { }
                    #pragma warning restore DT0301
                    try
                    {
                        Risky();
                    }
                    #pragma warning disable DT0301 // Deliberate cleanup catch: a failure here must not stop training
                    catch (InvalidOperationException)
                    {
                    }
                    #pragma warning restore DT0301
                }

                private static void Risky() { }
            }
            """, fixedSource);
        CodeFixVerifier.AssertCleanAfterFix(fixedSource);
    }

    [Fact]
    public async Task Report_hands_the_exception_to_the_context()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), Before, SwallowedExceptionCodeFix.ReportKey, fixAll: false);

        Assert.Equal(Before.Replace("catch (Exception e)\n        {\n        }", "catch (Exception e)\n        {\n            trainer.ReportError(e);\n        }", System.StringComparison.Ordinal), fixedSource);
        Assert.Contains("trainer.ReportError(e);", fixedSource, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_all_in_document_reports_every_swallowed_exception_naming_unnamed_ones()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new SwallowedExceptionCodeFix(), """
            using System;
            using DreamTrainer;

            public sealed partial class Careless
            {
                [OnTrainEnd]
                void Close(TrainerContext context)
                {
                    try { Risky(); }
                    catch { }
                    try { Risky(); }
                    catch (InvalidOperationException) { }
                }

                private static void Risky() { }
            }
            """, SwallowedExceptionCodeFix.ReportKey, fixAll: true);

        Assert.Contains("catch (Exception exception)", fixedSource);
        Assert.Contains("catch (InvalidOperationException exception)", fixedSource);
        Assert.Equal(2, fixedSource.Split("context.ReportError(exception);").Length - 1);
    }

    [Fact]
    public async Task Report_is_offered_only_when_the_method_has_a_context()
    {
        var offered = await CodeFixVerifier.OfferedAsync(new SwallowedExceptionCodeFix(), """
            using System;
            using DreamTrainer;

            public sealed partial class Careless
            {
                [OnTrainEnd]
                void Close()
                {
                    try { } catch { }
                }
            }
            """);

        Assert.Equal(new[] { SwallowedExceptionCodeFix.RethrowKey, SwallowedExceptionCodeFix.SuppressKey }, offered);
    }
}
