using System;
using System.Linq;
using DreamTrainer.Samples.Digits;
using TorchSharp;
using DreamTrainer.Testing;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>
/// Off the CPU: the meta device behaves like CUDA for parameter identity (a move replaces the
/// parameters), so it shows what a GPU machine would, without one.
/// </summary>
public sealed class DeviceTests
{
    public static TheoryData<string> Optimizers => new() { "SGD", "Adam" };

    private static optim.Optimizer Build(string name, System.Collections.Generic.IEnumerable<global::TorchSharp.Modules.Parameter> parameters) =>
        name == "SGD" ? optim.SGD(parameters, 0.05, momentum: 0.9) : optim.Adam(parameters, 1e-3);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void An_optimizer_factory_builds_the_optimizer_on_the_moved_parameters_and_steps_on_the_meta_device(string optimizer)
    {
        using var module = new TestNet(parameters => Build(optimizer, parameters), META);
        var context = new CallbackTestHarness().Context;

        foreach (DigitsBatch batch in TestNet.Loader(96).Take(3))
        {
            module.TrainingStep(batch, context);
        }

        Assert.All(module.Model.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void An_optimizer_built_before_the_move_is_refused_with_a_message_that_says_what_to_do(string optimizer)
    {
        var network = TestNet.Network(7, linearOnly: true);
        var built = Build(optimizer, network.parameters());

        var refused = Assert.Throws<ArgumentException>(() => new TestNet(network, built, META));

        Assert.Equal("model", refused.ParamName);
        Assert.Contains("optimizer factory", refused.Message, StringComparison.Ordinal);
        Assert.Contains("meta", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_model_already_on_the_device_keeps_its_parameters_and_the_optimizer_built_from_them(string optimizer)
    {
        var network = TestNet.Network(7, linearOnly: true);
        network.to(META);
        var built = Build(optimizer, network.parameters());
        using var module = new TestNet(network, built, META);
        var context = new CallbackTestHarness().Context;

        module.TrainingStep(TestNet.Loader(32).First(), context);
        module.TrainingStep(TestNet.Loader(32).First(), context);
    }
}
