using System.Collections.Generic;

namespace DreamTrainer.Generators.Tests;

/// <summary>
/// Broken or unusual callback code: the generator must skip what it cannot bind without throwing,
/// and the analyzers must not crash on it. Shared with the analyzer tests (linked source).
/// </summary>
public static class MalformedCorpus
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (KeyValuePair<string, string> entry in Sources)
        {
            yield return new object[] { entry.Key };
        }
    }

    public static readonly IReadOnlyDictionary<string, string> Sources = new Dictionary<string, string>
    {
        ["unclosed class brace"] = "using DreamTrainer; public partial class A { [OnTrainStart] void S() { }",
        ["unclosed method brace"] = "using DreamTrainer; public partial class A { [OnTrainStart] void S() { }",
        ["missing method body"] = "using DreamTrainer; public partial class A { [OnTrainStart] void S() }",
        ["attribute with bad argument"] = "using DreamTrainer; public partial class A { [OnTrainStart(\"x\")] void S() { } }",
        ["priority of wrong type"] = "using DreamTrainer; public partial class A { [OnTrainStart(Priority = \"high\")] void S() { } }",
        ["unknown named argument"] = "using DreamTrainer; public partial class A { [OnTrainStart(Order = 1)] void S() { } }",
        ["callback attribute wrong arguments"] = "using DreamTrainer; [Callback(1, 2)] public partial class A { [OnTrainStart] void S() { } }",
        ["error policy out of range"] = "using DreamTrainer; [Callback(OnError = (CallbackErrorPolicy)42)] public partial class A { [OnTrainStart] void S() { } }",
        ["unresolvable parameter type"] = "using DreamTrainer; public partial class A { [OnTrainBatchEnd] void S(Missing thing) { } }",
        ["unresolvable base type"] = "using DreamTrainer; public partial class A : MissingBase { [OnTrainStart] void S() { } }",
        ["hook on property"] = "using DreamTrainer; public partial class A { [OnTrainStart] int P { get; set; } }",
        ["hook on field"] = "using DreamTrainer; public partial class A { [OnTrainStart] int _f; }",
        ["hook on static method"] = "using DreamTrainer; public partial class A { [OnTrainStart] static void S() { } }",
        ["hook on generic method"] = "using DreamTrainer; public partial class A { [OnTrainStart] void S<T>() { } }",
        ["hook on async method"] = "using DreamTrainer; using System.Threading.Tasks; public partial class A { [OnTrainStart] async Task S() { await Task.Yield(); } }",
        ["hook returning a value"] = "using DreamTrainer; public partial class A { [OnTrainStart] int S() => 1; }",
        ["hook with ref parameter"] = "using DreamTrainer; public partial class A { [OnTrainEpochStart] void S(ref int epoch) { } }",
        ["hook with wrong integer name"] = "using DreamTrainer; public partial class A { [OnTrainEpochStart] void S(int batchIndex) { } }",
        ["non-partial class"] = "using DreamTrainer; public class A { [OnTrainStart] void S() { } }",
        ["non-partial outer class"] = "using DreamTrainer; public class Outer { public partial class A { [OnTrainStart] void S() { } } }",
        ["hook in a struct"] = "using DreamTrainer; public partial struct A { [OnTrainStart] void S() { } }",
        ["hook in an interface"] = "using DreamTrainer; public partial interface IA { [OnTrainStart] void S(); }",
        ["hook in a static class"] = "using DreamTrainer; public static partial class A { [OnTrainStart] static void S() { } }",
        ["abstract hook method"] = "using DreamTrainer; public abstract partial class A { [OnTrainStart] protected abstract void S(); }",
        ["hook on a local function"] = "using DreamTrainer; public partial class A { void M() { [OnTrainStart] void L() { } L(); } }",
        ["state member of unsupported type"] = "using DreamTrainer; public partial class A { [CallbackState] object _o = new(); [OnTrainStart] void S() { } }",
        ["readonly state member"] = "using DreamTrainer; public partial class A { [CallbackState] readonly int _o; [OnTrainStart] void S() { } }",
        ["pipeline with no callbacks"] = "using DreamTrainer; [CallbackPipeline] public partial class P { public int X; }",
        ["pipeline with missing member type"] = "using DreamTrainer; [CallbackPipeline] public partial class P { public Missing X; }",
        ["pipeline that is not partial"] = "using DreamTrainer; public partial class A { [OnTrainStart] void S() { } } [CallbackPipeline] public class P { public A X = new(); }",
        ["duplicate class declarations"] = "using DreamTrainer; public partial class A { [OnTrainStart] void S() { } } public partial class A { [OnTrainStart] void S() { } }",
        ["garbage tokens"] = "using DreamTrainer; public partial class A { [OnTrainStart] void S() { } } @@@ ### }}} [[[",
        ["attribute on class instead of method"] = "using DreamTrainer; [OnTrainStart] public partial class A { }",
        ["empty source"] = string.Empty,
        ["file-local callback"] = "using DreamTrainer; file sealed partial class A { [OnTrainStart] void S() { } } public sealed partial class B { [OnTrainStart] void S() { } }",
        ["callback nested in a file-local class"] = "using DreamTrainer; file partial class O { public partial class A { [OnTrainStart] void S() { } } }",
        ["file-local pipeline"] = "using DreamTrainer; public sealed partial class A { [OnTrainStart] void S() { } } [CallbackPipeline] file sealed partial class P { public A X = new(); }",
        ["cyclic base classes"] = "using DreamTrainer; public partial class A : B { [OnTrainStart] void S() { } } public partial class B : A { [OnTrainEnd] void E() { } }",
        ["class deriving from itself"] = "using DreamTrainer; public partial class A : A { [OnTrainStart] void S() { } }",
        ["cyclic nesting through base"] = "using DreamTrainer; public partial class A : A.B { public partial class B : A { [OnTrainStart] void S() { } } }",
        ["hook method named after a keyword"] = "using DreamTrainer; public partial class @class { [OnTrainStart] void @event() { } [CallbackState] int @int; }",
        ["names differing only in case"] = "using DreamTrainer; public partial class Aa { [OnTrainStart] void S() { } } public partial class aA { [OnTrainStart] void S() { } }",
    };
}
