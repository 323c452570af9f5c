using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0106: a [CallbackState] member the generated code cannot save and restore.</summary>
public class DT0106Tests
{
    [Fact]
    public void Unsupported_readonly_and_getter_only_state_members_are_reported() => AnalyzerVerifier.Verify("""
        using System.Collections.Generic;
        using DreamTrainer;

        public sealed partial class Monitor
        {
            [CallbackState] private object {|DT0106:_anything|} = new();
            [CallbackState] private readonly int {|DT0106:_fixed|} = 1;
            [CallbackState] public int {|DT0106:Count|} => 3;
            [CallbackState] private Dictionary<string, int> {|DT0106:_map|} = new();
            [CallbackState] private int _fine;
            [CallbackState] public List<double> History { get; set; } = new();

            [OnTrainStart] void Start() => _fine = _fixed + _anything.GetHashCode() + _map.Count;
        }
        """);
}
