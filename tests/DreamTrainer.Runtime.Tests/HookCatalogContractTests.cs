using System;
using System.Linq;
using System.Reflection;
using DreamTrainer.Contract;
using Xunit;

namespace DreamTrainer.Tests;

/// <summary>The runtime's hooks must be exactly the catalogue's: nothing missing, nothing extra, same shapes.</summary>
public class HookCatalogContractTests
{
    private static readonly Assembly Runtime = typeof(ICallback).Assembly;

    [Fact]
    public void Hook_enum_matches_the_catalogue_by_name_and_ordinal()
    {
        var expected = HookCatalog.All.Select(h => (h.Name, h.Ordinal)).ToArray();
        var actual = Enum.GetValues<Hook>().Select(h => (h.ToString(), (int)h)).ToArray();
        Assert.Equal(expected, actual);
        foreach (HookDefinition hook in HookCatalog.All)
        {
            Assert.Equal(1 << hook.Ordinal, (int)Enum.Parse<HookMask>(hook.Name));
        }
    }

    [Fact]
    public void Every_hook_has_exactly_one_attribute_and_no_attribute_is_extra()
    {
        var attributeTypes = Runtime.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(HookAttribute)) && !t.IsAbstract)
            .Select(t => t.FullName)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
        var expected = HookCatalog.All.Select(h => h.AttributeMetadataName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, attributeTypes);

        foreach (HookDefinition hook in HookCatalog.All)
        {
            Type type = Runtime.GetType(hook.AttributeMetadataName, throwOnError: true)!;
            var attribute = (HookAttribute)Activator.CreateInstance(type)!;
            Assert.Equal(hook.Name, attribute.Hook.ToString());
            Assert.NotNull(type.GetProperty(nameof(HookAttribute.Priority)));
            Assert.Equal(AttributeTargets.Method, type.GetCustomAttribute<AttributeUsageAttribute>()!.ValidOn);
        }
    }

    [Theory]
    [InlineData(typeof(ICallback))]
    [InlineData(typeof(ICallbackDispatcher))]
    public void Hook_methods_match_the_catalogue_exactly(Type contract)
    {
        var hookMethods = contract.GetMethods().Where(m => m.Name.StartsWith("On", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            HookCatalog.All.Select(h => h.MethodName).OrderBy(n => n, StringComparer.Ordinal),
            hookMethods.Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal));

        foreach (HookDefinition hook in HookCatalog.All)
        {
            MethodInfo method = Assert.Single(hookMethods, m => m.Name == hook.MethodName);
            Assert.Equal(typeof(void), method.ReturnType);
            ParameterInfo[] parameters = method.GetParameters();
            Assert.Equal(hook.Parameters.Length + 1, parameters.Length);
            Assert.Equal(HookCatalog.ContextMetadataName, parameters[0].ParameterType.FullName);
            Assert.Equal(HookCatalog.ContextParameterName, parameters[0].Name);
            for (int i = 0; i < hook.Parameters.Length; i++)
            {
                HookParameter expected = hook.Parameters[i];
                ParameterInfo actual = parameters[i + 1];
                Assert.Equal(expected.Name, actual.Name);
                Type type = actual.ParameterType.IsByRef ? actual.ParameterType.GetElementType()! : actual.ParameterType;
                Assert.Equal(expected.TypeMetadataName, type.FullName);
                Assert.Equal(expected.IsIn, actual.IsIn && actual.ParameterType.IsByRef);
            }
        }
    }

    [Fact]
    public void Contract_type_names_in_the_catalogue_resolve_in_the_runtime()
    {
        string[] names =
        {
            HookCatalog.ContextMetadataName, HookCatalog.CallbackInterfaceMetadataName, HookCatalog.DispatcherInterfaceMetadataName,
            HookCatalog.CallbackAttributeMetadataName, HookCatalog.CallbackStateAttributeMetadataName,
            HookCatalog.CallbackPipelineAttributeMetadataName, HookCatalog.TrainerControlAttributeMetadataName,
            HookCatalog.HookEnumMetadataName, HookCatalog.HookMaskMetadataName, HookCatalog.ErrorPolicyMetadataName,
            HookCatalog.StateWriterMetadataName, HookCatalog.StateReaderMetadataName,
            HookCatalog.BoundValueMetadataName, HookCatalog.HookBindingMetadataName, HookCatalog.BatchSlotMetadataName,
            HookCatalog.GradientViewMetadataName, HookCatalog.GeneratedCallbackAttributeMetadataName,
        };
        foreach (string name in names)
        {
            Assert.NotNull(Runtime.GetType(name));
        }
    }

    [Fact]
    public void Typed_slots_match_the_runtime_bound_values_and_what_the_generated_code_reads()
    {
        Assert.Equal(HookCatalog.AllSlots.Select(s => s.Value), Enum.GetNames<BoundValue>());
        Assert.All(HookCatalog.AllSlots, slot => Assert.Equal(slot.Name, slot.Value.ToLowerInvariant()));

        // Generated code reads the model and optimizer from the context, outputs from StepOutput, the batch from the slot.
        Assert.NotNull(typeof(TrainerContext).GetProperty(nameof(TrainerContext.Model)));
        Assert.NotNull(typeof(TrainerContext).GetProperty(nameof(TrainerContext.Optimizer)));
        Assert.NotNull(typeof(TrainerContext).GetProperty(nameof(TrainerContext.BatchSlot)));
        Assert.NotNull(typeof(StepOutput).GetProperty(nameof(StepOutput.Outputs)));
        Assert.NotNull(typeof(BatchSlot<int>).GetProperty(nameof(BatchSlot<int>.Current)));

        foreach (HookDefinition hook in HookCatalog.All)
        {
            bool batchHook = hook.IsPerBatch;
            bool batchEnd = hook.Parameters.Any(p => p.Name == HookCatalog.OutputParameterName);
            Assert.Equal(batchHook, hook.Slots.Contains(HookCatalog.Batch));
            Assert.Equal(batchEnd, hook.Slots.Contains(HookCatalog.Outputs));
            Assert.Contains(HookCatalog.Model, hook.Slots);
            Assert.Contains(HookCatalog.Optimizer, hook.Slots);
            Assert.NotEmpty(hook.PeerNames);
        }
    }

    [Fact]
    public void Every_hook_has_a_generated_priority_property_and_a_LambdaCallback_delegate()
    {
        foreach (HookDefinition hook in HookCatalog.All)
        {
            Assert.NotNull(typeof(GeneratedCallbackAttribute).GetProperty(hook.Name + "Priority"));
            Assert.NotNull(typeof(LambdaCallback).GetProperty(hook.MethodName));
        }

        Assert.Equal(HookCatalog.All.Length, typeof(LambdaCallback).GetProperties().Count(p => p.Name.StartsWith("On", StringComparison.Ordinal)));
    }

    [Fact]
    public void Exactly_the_sanctioned_controls_carry_the_trainer_control_marker()
    {
        var controls = typeof(TrainerContext).GetMethods()
            .Where(m => m.GetCustomAttribute<TrainerControlAttribute>() is not null)
            .Select(m => m.Name)
            .Distinct()
            .OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "DeclareMetricDirection", "Log", "ReportError", "RequestCheckpoint", "RequestStop", "RestoreWeights", "SaveCheckpoint", "SetLearningRate" }, controls);
        Assert.All(typeof(TrainerContext).GetProperties(), p => Assert.True(p.SetMethod is null || !p.SetMethod.IsPublic, $"{p.Name} has a public setter"));

        // Clipping is the point of the optimizer-step hooks: the gradient view's changes are sanctioned too.
        var gradientControls = typeof(GradientView).GetMethods().Where(m => m.GetCustomAttribute<TrainerControlAttribute>() is not null).Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "ClipByNorm", "ClipByValue" }, gradientControls);
    }
}
