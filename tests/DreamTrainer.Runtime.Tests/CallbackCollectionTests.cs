using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests;

public class CallbackCollectionTests
{
    private static string[] Order(CallbackCollection callbacks, Hook hook) =>
        callbacks.GetDispatchOrder(hook).Select(c => ((ProbeCallback)c).Name).ToArray();

    private static string[] Registration(CallbackCollection callbacks) => callbacks.Select(c => ((ProbeCallback)c).Name).ToArray();

    [Fact]
    public void Dispatch_order_is_priority_descending_then_registration_order()
    {
        var log = new List<string>();
        var callbacks = new CallbackCollection
        {
            new ProbeCallback(log, "a", priority: 0),
            new ProbeCallback(log, "b", priority: 10),
            new ProbeCallback(log, "c", priority: 0),
            new ProbeCallback(log, "d", priority: 10),
            new ProbeCallback(log, "e", priority: -5),
        };

        Assert.Equal(new[] { "b", "d", "a", "c", "e" }, Order(callbacks, Hook.TrainBatchEnd));
        callbacks.OnTrainStart(new CallbackTestHarnessContext().Context);
        Assert.Equal(new[] { "b.TrainStart", "d.TrainStart", "a.TrainStart", "c.TrainStart", "e.TrainStart" }, log);
    }

    [Fact]
    public void A_hook_table_holds_only_the_callbacks_that_implement_it()
    {
        var log = new List<string>();
        var callbacks = new CallbackCollection
        {
            new ProbeCallback(log, "a", HookMask.TrainBatchEnd),
            new ProbeCallback(log, "b", HookMask.TrainEpochEnd),
            new ProbeCallback(log, "c", HookMask.TrainBatchEnd | HookMask.TrainEpochEnd),
        };

        Assert.Equal(new[] { "a", "c" }, Order(callbacks, Hook.TrainBatchEnd));
        Assert.Equal(new[] { "b", "c" }, Order(callbacks, Hook.TrainEpochEnd));
        Assert.Empty(callbacks.GetDispatchOrder(Hook.TrainStart));
    }

    [Fact]
    public void Insert_remove_and_move_change_registration_order_and_ties()
    {
        var log = new List<string>();
        var a = new ProbeCallback(log, "a");
        var b = new ProbeCallback(log, "b");
        var c = new ProbeCallback(log, "c");
        var callbacks = new CallbackCollection { a, b };

        callbacks.Insert(0, c);
        Assert.Equal(new[] { "c", "a", "b" }, Registration(callbacks));
        Assert.Equal(new[] { "c", "a", "b" }, Order(callbacks, Hook.TrainStart));

        callbacks.MoveToBack(c);
        Assert.Equal(new[] { "a", "b", "c" }, Order(callbacks, Hook.TrainStart));

        callbacks.MoveToFront(b);
        Assert.Equal(new[] { "b", "a", "c" }, Order(callbacks, Hook.TrainStart));

        callbacks.MoveTo(b, 1);
        Assert.Equal(new[] { "a", "b", "c" }, Registration(callbacks));

        Assert.True(callbacks.Remove(b));
        Assert.False(callbacks.Remove(b));
        Assert.Equal(new[] { "a", "c" }, Order(callbacks, Hook.TrainStart));
        Assert.Equal(1, callbacks.IndexOf(c));
        Assert.True(callbacks.Contains(a));
    }

    [Fact]
    public void RemoveAll_by_type_and_Find_by_type()
    {
        var log = new List<string>();
        var callbacks = new CallbackCollection { new ProbeCallback(log, "a"), new CountingCallback("n", true), new ProbeCallback(log, "b") };

        Assert.NotNull(callbacks.Find<CountingCallback>());
        Assert.Equal(2, callbacks.RemoveAll<ProbeCallback>());
        Assert.Single(callbacks);
        Assert.Null(callbacks.Find<ProbeCallback>());
        Assert.Equal(1, callbacks.RemoveAll(typeof(CountingCallback)));
        Assert.Empty(callbacks);
    }

    [Fact]
    public void A_callback_removing_itself_during_dispatch_still_lets_the_others_run_and_is_gone_next_time()
    {
        var log = new List<string>();
        var callbacks = new CallbackCollection();
        var quitter = new ProbeCallback(log, "quitter", priority: 5);
        quitter.OnHook = (hook, context) => callbacks.Remove(quitter);
        var stayer = new ProbeCallback(log, "stayer");
        callbacks.Add(quitter);
        callbacks.Add(stayer);
        var context = new CallbackTestHarnessContext().Context;

        callbacks.OnTrainStart(context);
        callbacks.OnTrainStart(context);

        Assert.Equal(new[] { "quitter.TrainStart", "stayer.TrainStart", "stayer.TrainStart" }, log);
    }

    [Fact]
    public void A_callback_that_removes_itself_and_then_throws_is_still_named()
    {
        var log = new List<string>();
        var callbacks = new CallbackCollection();
        var quitter = new ProbeCallback(log, "quitter", HookMask.TrainBatchEnd, priority: 5) { ThrowIn = Hook.TrainBatchEnd };
        quitter.OnHook = (hook, context) => callbacks.Remove(quitter);
        callbacks.Add(new ProbeCallback(log, "first", HookMask.TrainBatchEnd, priority: 9));
        callbacks.Add(quitter);
        callbacks.Add(new ProbeCallback(log, "last", HookMask.TrainBatchEnd));

        var error = Assert.Throws<CallbackException>(() => new Trainer(new TrainerOptions(), callbacks).Fit(new NoOpModule(), Data.Batches(1)));

        Assert.Equal("quitter", error.StateKey);
        Assert.Equal(Hook.TrainBatchEnd, error.Hook);
        Assert.Equal(new[] { "first.TrainBatchEnd(0,0)", "quitter.TrainBatchEnd(0,0)" }, log);
    }

    [Fact]
    public void A_callback_added_during_dispatch_runs_from_the_next_hook_on()
    {
        var log = new List<string>();
        var callbacks = new CallbackCollection();
        var late = new ProbeCallback(log, "late");
        var adder = new ProbeCallback(log, "adder");
        adder.OnHook = (hook, context) =>
        {
            if (!callbacks.Contains(late))
            {
                callbacks.Add(late);
            }
        };
        callbacks.Add(adder);
        var context = new CallbackTestHarnessContext().Context;

        callbacks.OnTrainStart(context);
        callbacks.OnTrainStart(context);

        Assert.Equal(new[] { "adder.TrainStart", "adder.TrainStart", "late.TrainStart" }, log);
    }

    [Fact]
    public void The_same_instance_twice_is_rejected_with_a_message_naming_it()
    {
        var probe = new ProbeCallback(new List<string>(), "a");
        var callbacks = new CallbackCollection { probe };

        var error = Assert.Throws<ArgumentException>(() => callbacks.Add(probe));

        Assert.Equal("callback", error.ParamName);
        Assert.Contains("DreamTrainer.Tests.ProbeCallback", error.Message);
        Assert.Contains("already registered at position 0", error.Message);
    }

    [Fact]
    public void Two_callbacks_with_one_state_key_are_rejected_with_a_message_naming_both()
    {
        var callbacks = new CallbackCollection { new ProbeCallback(new List<string>(), "a") };
        var other = new ProbeCallback(new List<string>(), "a") { StateKey = "a" };

        var error = Assert.Throws<ArgumentException>(() => callbacks.Add(other));

        Assert.Contains("'DreamTrainer.Tests.ProbeCallback' (position 0)", error.Message);
        Assert.Contains("and 'DreamTrainer.Tests.ProbeCallback' share", error.Message);
        Assert.Contains("state key 'a'", error.Message);
    }

    [Fact]
    public void Stateless_callbacks_may_share_a_state_key()
    {
        var callbacks = new CallbackCollection { new CountingCallback("same", true), new CountingCallback("same", false) };

        Assert.Equal(2, callbacks.Count);
        Assert.Equal(2, new Trainer(new TrainerOptions(), callbacks).Fit(new NoOpModule(), Data.Batches(2)).GlobalStep);
    }

    [Fact]
    public void Out_of_range_positions_name_the_parameter_and_value()
    {
        var probe = new ProbeCallback(new List<string>(), "a");
        var callbacks = new CallbackCollection { probe };

        var insert = Assert.Throws<ArgumentOutOfRangeException>(() => callbacks.Insert(5, new ProbeCallback(new List<string>(), "b")));
        Assert.Equal("index", insert.ParamName);
        Assert.Contains("it was 5", insert.Message);

        var move = Assert.Throws<ArgumentOutOfRangeException>(() => callbacks.MoveTo(probe, -1));
        Assert.Contains("it was -1", move.Message);

        var missing = Assert.Throws<ArgumentException>(() => callbacks.MoveToFront(new ProbeCallback(new List<string>(), "zz")));
        Assert.Contains("not in this collection", missing.Message);
    }
}

/// <summary>A context for dispatching hooks directly, outside a Fit.</summary>
internal sealed class CallbackTestHarnessContext
{
    public TrainerContext Context { get; } = new Testing.CallbackTestHarness(new CallbackCollection()).Context;
}
