using System;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using DreamTrainer.Benchmarks;

// --smoke: run every benchmark method once, in process, with the smallest parameters, so CI proves
// the benchmarks build and run (seconds, not minutes). Otherwise hand the arguments to BenchmarkDotNet.
if (args.Contains("--smoke"))
{
    int count = 0;
    foreach (Type type in new[] { typeof(DispatchBenchmarks), typeof(LoopBenchmarks), typeof(DistributedBenchmarks), typeof(MonitoringBenchmarks), typeof(GeneratorBenchmarks) })
    {
        foreach (object instance in Instances(type))
        {
            type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null).ToList().ForEach(m => m.Invoke(instance, null));
            foreach (MethodInfo benchmark in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                benchmark.Invoke(instance, null);
                count++;
            }

            type.GetMethods().Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null).ToList().ForEach(m => m.Invoke(instance, null));
        }
    }

    Console.WriteLine($"Benchmark smoke run: {count} benchmark invocations completed.");
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(DispatchBenchmarks).Assembly).Run(args);
return 0;

// One instance per value of each [Params] property (the smallest value only for the generator).
static System.Collections.Generic.IEnumerable<object> Instances(Type type)
{
    PropertyInfo? parameter = type.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
    if (parameter is null)
    {
        yield return Activator.CreateInstance(type)!;
        yield break;
    }

    object?[] values = parameter.GetCustomAttribute<ParamsAttribute>()!.Values;
    foreach (object? value in type == typeof(GeneratorBenchmarks) ? values.Take(1) : values)
    {
        object instance = Activator.CreateInstance(type)!;
        parameter.SetValue(instance, value);
        yield return instance;
    }
}
