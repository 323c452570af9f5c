using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace DreamTrainer.Benchmarks;

/// <summary>
/// One OnTrainBatchEnd dispatch to 10 callbacks, of which 2 (sparse) or all 10 (dense) implement
/// it, through every design a user could pick. Each invocation performs 1,000 dispatches. The
/// <c>*BindingBatch</c> rows dispatch to callbacks whose hook binds the current batch by its type.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private const int Dispatches = 1_000;

    private TrainerContext _context = null!;
    private StepOutput _output;
    private SparsePipeline _sparse = null!;
    private DensePipeline _dense = null!;
    private Active[] _sparseActive = null!;
    private Active[] _denseActive = null!;
    private CallbackCollection _collection = null!;
    private ICallbackDispatcher _pipelineDispatcher = null!;
    private VirtualCallback[] _virtual = null!;
    private Dictionary<string, List<Action<TrainerContext, long>>> _stringKeyed = null!;
    private (MethodInfo Method, object Target)[] _reflection = null!;
    private Action<long>[] _compiled = null!;
    private object[] _argument = null!;
    private BenchBatch _batch = null!;
    private SparseBatchPipeline _sparseBatch = null!;
    private DenseBatchPipeline _denseBatch = null!;
    private BatchActive[] _batchActive = null!;
    private CallbackCollection _batchCollection = null!;

    /// <summary>Sparse: 2 of 10 implement the hook; dense: all 10.</summary>
    [Params(false, true)]
    public bool Dense { get; set; }

    /// <summary>Builds every variant over the same callbacks.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // A context whose batch slot holds a batch, as in a run.
        var harness = new Testing.CallbackTestHarness(new CallbackCollection());
        _batch = new BenchBatch();
        harness.TrainBatchStart(_batch);
        _context = harness.Context;
        harness.Dispose();
        _sparseBatch = new SparseBatchPipeline();
        _denseBatch = new DenseBatchPipeline();
        _batchActive = Dense
            ? new[] { _denseBatch.A0, _denseBatch.A1, _denseBatch.A2, _denseBatch.A3, _denseBatch.A4, _denseBatch.A5, _denseBatch.A6, _denseBatch.A7, _denseBatch.A8, _denseBatch.A9 }
            : new[] { _sparseBatch.A0, _sparseBatch.A5 };
        _batchCollection = new CallbackCollection(((ICallbackDispatcher)(Dense ? _denseBatch : _sparseBatch)).Callbacks);
        _output = StepOutput.FromLoss(0.5);
        _sparse = new SparsePipeline();
        _dense = new DensePipeline();
        _sparseActive = new[] { _sparse.A0, _sparse.A5 };
        _denseActive = new[] { _dense.A0, _dense.A1, _dense.A2, _dense.A3, _dense.A4, _dense.A5, _dense.A6, _dense.A7, _dense.A8, _dense.A9 };
        _pipelineDispatcher = Dense ? _dense : _sparse;
        _collection = new CallbackCollection(((ICallbackDispatcher)_pipelineDispatcher).Callbacks);

        int active = Dense ? 10 : 2;
        _virtual = Enumerable.Range(0, 10).Select(i => i < active ? (VirtualCallback)new VirtualActive() : new VirtualIdle()).ToArray();

        _stringKeyed = new Dictionary<string, List<Action<TrainerContext, long>>>
        {
            ["on_train_batch_end"] = new(),
            ["on_train_epoch_end"] = new(),
        };
        var reflectionTargets = new List<ReflectionCallback>();
        for (int i = 0; i < 10; i++)
        {
            if (i < active)
            {
                var callback = new Active();
                _stringKeyed["on_train_batch_end"].Add((context, step) => callback.StepDirect(step));
                reflectionTargets.Add(new ReflectionCallback());
            }
            else
            {
                var idle = new Idle();
                _stringKeyed["on_train_epoch_end"].Add((context, step) => idle.Epochs++);
            }
        }

        _reflection = reflectionTargets.SelectMany(t => ReflectionCallback.HookMethods(t.GetType()).Select(m => (m, (object)t))).ToArray();
        _compiled = _reflection.Select(r => r.Method.CreateDelegate<Action<long>>(r.Target)).ToArray();
        _argument = new object[] { 1L };
    }

    /// <summary>The floor: direct calls, written by hand, to exactly the callbacks that implement the hook.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Dispatches)]
    public void HandWritten()
    {
        Active[] active = Dense ? _denseActive : _sparseActive;
        for (long step = 0; step < Dispatches; step++)
        {
            if (Dense)
            {
                active[0].StepDirect(step);
                active[1].StepDirect(step);
                active[2].StepDirect(step);
                active[3].StepDirect(step);
                active[4].StepDirect(step);
                active[5].StepDirect(step);
                active[6].StepDirect(step);
                active[7].StepDirect(step);
                active[8].StepDirect(step);
                active[9].StepDirect(step);
            }
            else
            {
                active[0].StepDirect(step);
                active[1].StepDirect(step);
            }
        }
    }

    /// <summary>The generated [CallbackPipeline]: direct calls sorted at compile time.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void GeneratedPipeline()
    {
        if (Dense)
        {
            DensePipeline pipeline = _dense;
            for (long step = 0; step < Dispatches; step++)
            {
                pipeline.OnTrainBatchEnd(_context, in _output, 0, step);
            }
        }
        else
        {
            SparsePipeline pipeline = _sparse;
            for (long step = 0; step < Dispatches; step++)
            {
                pipeline.OnTrainBatchEnd(_context, in _output, 0, step);
            }
        }
    }

    /// <summary>CallbackCollection holding the same generated callbacks: per-hook arrays of interface references.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void CallbackCollection()
    {
        CallbackCollection collection = _collection;
        for (long step = 0; step < Dispatches; step++)
        {
            collection.OnTrainBatchEnd(_context, in _output, 0, step);
        }
    }

    /// <summary>Lightning / Keras 3: call every callback's virtual method for every hook.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void NaiveVirtualEveryCallback()
    {
        VirtualCallback[] callbacks = _virtual;
        for (long step = 0; step < Dispatches; step++)
        {
            foreach (VirtualCallback callback in callbacks)
            {
                callback.OnTrainBatchEnd(_context, in _output, 0, step);
            }
        }
    }

    /// <summary>What existing TorchSharp trainer code does: string-keyed lists of delegates.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void StringKeyedActions()
    {
        for (long step = 0; step < Dispatches; step++)
        {
            foreach (Action<TrainerContext, long> action in _stringKeyed["on_train_batch_end"])
            {
                action(_context, step);
            }
        }
    }

    /// <summary>Attribute callbacks wired by reflection, called with MethodInfo.Invoke.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void ReflectionInvoke()
    {
        for (long step = 0; step < Dispatches; step++)
        {
            _argument[0] = step;
            foreach ((MethodInfo method, object target) in _reflection)
            {
                method.Invoke(target, _argument);
            }
        }
    }

    /// <summary>Attribute callbacks found by reflection, called through compiled delegates.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void ReflectionCompiledDelegates()
    {
        Action<long>[] compiled = _compiled;
        for (long step = 0; step < Dispatches; step++)
        {
            foreach (Action<long> action in compiled)
            {
                action(step);
            }
        }
    }

    /// <summary>The floor with the batch: direct calls passing it, written by hand.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void HandWrittenBindingBatch()
    {
        BatchActive[] active = _batchActive;
        BenchBatch batch = _batch;
        for (long step = 0; step < Dispatches; step++)
        {
            if (Dense)
            {
                active[0].StepDirect(batch, step);
                active[1].StepDirect(batch, step);
                active[2].StepDirect(batch, step);
                active[3].StepDirect(batch, step);
                active[4].StepDirect(batch, step);
                active[5].StepDirect(batch, step);
                active[6].StepDirect(batch, step);
                active[7].StepDirect(batch, step);
                active[8].StepDirect(batch, step);
                active[9].StepDirect(batch, step);
            }
            else
            {
                active[0].StepDirect(batch, step);
                active[1].StepDirect(batch, step);
            }
        }
    }

    /// <summary>The generated pipeline, its callbacks binding the batch.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void GeneratedPipelineBindingBatch()
    {
        if (Dense)
        {
            DenseBatchPipeline pipeline = _denseBatch;
            for (long step = 0; step < Dispatches; step++)
            {
                pipeline.OnTrainBatchEnd(_context, in _output, 0, step);
            }
        }
        else
        {
            SparseBatchPipeline pipeline = _sparseBatch;
            for (long step = 0; step < Dispatches; step++)
            {
                pipeline.OnTrainBatchEnd(_context, in _output, 0, step);
            }
        }
    }

    /// <summary>CallbackCollection holding callbacks that bind the batch.</summary>
    [Benchmark(OperationsPerInvoke = Dispatches)]
    public void CallbackCollectionBindingBatch()
    {
        CallbackCollection collection = _batchCollection;
        for (long step = 0; step < Dispatches; step++)
        {
            collection.OnTrainBatchEnd(_context, in _output, 0, step);
        }
    }
}
