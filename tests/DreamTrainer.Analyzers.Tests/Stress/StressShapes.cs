using System.Collections.Generic;
using System.Linq;

namespace DreamTrainer.Analyzers.Tests.Stress;

/// <summary>
/// The bodies of the stress corpus: every expression and statement shape the analyzers walk, each
/// the body of a per-batch hook (so the allocation walk visits it too). They may use the hook's
/// parameters (<c>trainer</c>, <c>output</c>, <c>batchIndex</c>, <c>globalStep</c>) and the class's
/// members (<c>_name</c>, <c>_names</c>, <c>_self</c>, <c>Self()</c>, <c>Touch()</c>, <c>_window</c>,
/// <c>_map</c>, <c>_onStep</c>, <c>_seen</c>); none mutates trainer state, so the only DT0201 in a
/// class is the one the corpus plants.
/// </summary>
internal static class StressShapes
{
    public static IReadOnlyList<(string Name, string Body)> All { get; } = Build();

    private static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));

    private static List<(string Name, string Body)> Build()
    {
        var shapes = new List<(string, string)>();
        for (int depth = 1; depth <= 6; depth++)
        {
            // Null-conditional chains of this depth: on method results, fields, elements and the trainer.
            shapes.Add(($"null-conditional depth {depth}", $"""
                int? length = _name{Repeat("?.Trim()", depth - 1)}?.Length;
                var self = _self{Repeat("?.Self()", depth)};
                int? viaFields = _self{Repeat("?._self", depth - 1)}?._name?.Length;
                int? viaElements = _names?[0]{Repeat("?.Trim()", depth - 1)}?.Length;
                string? text = trainer.Model?.ToString(){Repeat("?.Trim()", depth - 1)};
                float? read = (trainer.Model as Net){Repeat("?.Weight", 1)}{Repeat("?.detach()", depth - 1)}?.item();
                _self{Repeat("?.Self()", depth - 1)}?.Touch();
                """));
        }

        shapes.Add(("?. on method results and elements", """
            int? n = Self()?.Self()?._names?[0]?.Trim()?.Length;
            char? c = _name?.Trim()?[0];
            var first = _names?[batchIndex % 2]?.ToUpperInvariant()?.Trim();
            int? e = _name?.Trim()?.Twice();
            string? shout = _self?.Self()?._name?.Shout()?.Trim();
            """));
        shapes.Add(("conditional invoke, ?? and ??=", """
            _onStep?.Invoke(batchIndex);
            _name ??= "x";
            int n = (_name ?? _names?[0] ?? "").Length;
            _self?._self?.Touch();
            _seen += _self?._self?._seen ?? 0;
            """));
        shapes.Add(("null-forgiving inside chains", """
            int length = _self!.Self()!._name!.Trim().Length;
            int? mixed = _self?.Self()!.Self()?._name!.Length;
            """));
        shapes.Add(("trainer reads through chains and sanctioned controls", """
            float? w = (trainer.Model as Net)?.Weight?.detach()?.item();
            double lr = trainer.HasLearningRate ? trainer.LearningRate : 0;
            bool has = trainer.Metrics.Contains("loss");
            int? groups = trainer?.ParameterGroupCount;
            trainer?.Log("corpus", output.Loss);
            """));
        shapes.Add(("element access, index and range", """
            _window[batchIndex & 3] = output.Loss;
            _window[^1] += 1;
            ref double slot = ref _window[0];
            slot *= 0.5;
            if (_map is { } map) map["k"] = globalStep;
            double last = _window[_window.Length - 1] + _window[1..][0];
            """));
        shapes.Add(("patterns", """
            if (trainer.Model is Net { Weight.Value: > 0 and < 10 } net && net.Frozen is 0 or 1) _seen++;
            if (_window is [> 0, .., var lastValue]) _seen += (int)lastValue;
            if (_name is { Length: > 2 } name && name[0] is 'a' or 'b') _seen++;
            if (_self?._name is not null and { Length: var l }) _seen += l;
            if (Self() is { _self._name.Length: > 1 }) Touch();
            """));
        shapes.Add(("switch expressions", """
            string kind = batchIndex switch { 0 => "first", > 0 and < 10 => "early", _ when globalStep > 100 => "late", _ => "other" };
            int tag = (_name?.Length, batchIndex) switch { (null, _) => 0, (> 3, 0) => 1, _ => 2 };
            int deep = _self switch { { _self._self: not null } => 1, { } s when s.Self()?._name?.Length > 2 => 2, null => 3, _ => 4 };
            """));
        shapes.Add(("switch statements", """
            switch (_name?.Trim()?.Length)
            {
                case null: break;
                case > 3 and < 10: _seen++; break;
                case int n when n % 2 == 0: _seen += n; goto default;
                default: break;
            }
            """));
        shapes.Add(("local functions", """
            int Depth(int k) => k <= 0 ? 0 : 1 + Depth(k - 1);
            static int Twice(int v) => v * 2;
            string? Chain() => _self?.Self()?._name?.Trim();
            _seen += Depth(3) + Twice(batchIndex) + (Chain()?.Length ?? 0);
            """));
        shapes.Add(("lambdas", """
            Func<int, int> add = x => x + batchIndex;
            Func<int, int> pure = static x => x * 2;
            var natural = (string? s) => s?.Trim()?.Length;
            Func<string?> chained = () => _self?.Self()?._name?.Trim();
            Action<int> act = [System.Diagnostics.CodeAnalysis.SuppressMessage("corpus", "lambda")] (int v) => _seen += v;
            Func<TrainerContext, object?> model = t => t.Model;
            act(add(1) + pure(2) + (natural(_name) ?? 0) + (chained()?.Length ?? 0));
            """));
        shapes.Add(("await in async local functions and lambdas", """
            async Task<int> LaterAsync()
            {
                await Task.Yield();
                string? t = await Task.FromResult(_name?.Trim());
                await foreach (int i in CorpusSupport.CountAsync(2)) _seen += i;
                await using var nothing = new CorpusSupport.AsyncNothing();
                return t?.Length ?? 0;
            }

            Func<Task<int?>> later = async () => (await Task.FromResult(_self))?.Self()?._name?.Length;
            _ = LaterAsync();
            _ = later();
            """));
        shapes.Add(("ref, out and in", """
            if (int.TryParse(_name, out int parsed)) _seen += parsed;
            CorpusSupport.Bump(ref _seen);
            CorpusSupport.Read(in globalStep);
            ref int r = ref CorpusSupport.Slot(batchIndex);
            r++;
            Span<double> span = _window;
            span[0] = 1;
            Span<int> stack = stackalloc int[2];
            stack[1] = batchIndex;
            _ = double.TryParse(_names?[0], out _);
            """));
        shapes.Add(("tuples", """
            (int count, string? name) pair = (batchIndex, _name?.Trim());
            var (a, b) = (globalStep, _self?._name);
            (pair.count, _seen) = (_seen, pair.count);
            bool same = (1, "a") == (1, _name);
            var named = (Loss: output.Loss, Step: globalStep);
            _seen += named.Step > 0 && same ? 1 : 0;
            """));
        shapes.Add(("collection expressions", """
            int[] xs = [1, 2, batchIndex];
            List<int> list = [.. xs, 4];
            Span<int> small = [1, 2];
            ReadOnlySpan<double> empty = [];
            string?[] names = [_name, .. _names ?? [], _self?._name];
            IEnumerable<int> sequence = [.. list];
            """));
        shapes.Add(("loops, labels and iterators", """
            for (int i = 0; i < 2; i++) { if (_names?[i]?.Length > 3) break; else continue; }
            int k = 0;
            while (k < 2) k++;
            do { k--; } while (k > 0);
            foreach (var (key, value) in _map ?? new()) _seen += key.Length + (int)value;
            IEnumerable<int> Numbers() { yield return 1; yield break; }
            foreach (int number in Numbers()) _seen += number;
            again:
            if (++k < 2) goto again;
            """));
        shapes.Add(("exceptions and throw expressions", """
            try { Touch(); }
            catch (InvalidOperationException e) when (e.Message?.Length > 0) { trainer.ReportError(e); }
            finally { _seen--; }
            string name = _name ?? (batchIndex < 0 ? throw new InvalidOperationException("never") : "x");
            if (batchIndex < 0) throw new ArgumentOutOfRangeException(nameof(batchIndex), $"{_name?.Trim()?.Length}");
            """));
        shapes.Add(("strings", """"
            string interpolated = $"{_name?.Trim()?.Length} {batchIndex,4:D} {output.Loss:F3}";
            string raw = $$"""{"step": {{globalStep}}}""";
            string joined = "a" + _name?.Trim() + batchIndex;
            ReadOnlySpan<byte> utf8 = "corpus"u8;
            string nameOf = nameof(_self._name);
            """"));
        shapes.Add(("object creation, initializers and with", """
            var list = new List<int> { 1, 2, batchIndex };
            CorpusSupport.Point p = new(1, 2);
            var moved = p with { Y = 3 };
            var anonymous = new { A = 1, B = _name?.Length };
            var dictionary = new Dictionary<string, int> { ["a"] = 1, [_name ?? "b"] = 2 };
            object? nothing = default;
            Type type = typeof(List<>);
            int size = sizeof(int) + checked(batchIndex + 1) + unchecked((int)globalStep);
            """));
        shapes.Add(("LINQ", """
            var doubled = from v in _window where v > 0 select v * 2;
            int? firstLength = _names?.Where(n => n?.Length > 0).Select(n => n?.Trim()).FirstOrDefault()?.Length;
            double total = _window.Sum() + doubled.Count();
            """));
        shapes.Add(("lock, using, checked", """
            lock (_window) { _seen++; }
            using (var scope = new CorpusSupport.Nothing()) { _seen++; }
            using var declared = new CorpusSupport.Nothing();
            checked { _seen++; }
            unchecked { _seen += int.MaxValue; }
            """));
        shapes.Add(("generic calls and extension methods on chains", """
            var same = CorpusSupport.Id(_self?.Self());
            List<string?> made = CorpusSupport.Make<string?>(_name?.Trim());
            int? twice = _self?._name?.Trim()?.Twice();
            """));
        shapes.Add(("own state is not trainer state", """
            _seen++;
            _window[0] = 1;
            this._name = null;
            _self = null;
            Touch();
            """));
        shapes.Add(("aliases of trainer state that only read", """
            var net = trainer.Model as Net;
            var weight = net?.Weight;
            float? value = weight?.detach()?.item();
            foreach (var parameter in (trainer.Model as Net)?.parameters() ?? []) { var copy = parameter?.detach(); }
            if (trainer.Model is Net n && n.Weight is { } w) { float v = w.item(); }
            """));
        shapes.Add(("deep expressions", $"""
            long sum = {Repeat("globalStep + ", 300)}1;
            string? first = {Repeat("_name ?? ", 60)}_name;
            int nested = {Repeat("(", 60)}batchIndex{Repeat(")", 60)};
            int choice = {Repeat("batchIndex > 0 ? 1 : ", 40)}0;
            """));
        return shapes;
    }
}
