// The hook contract: the one place a hook is defined.
//
// This file is compiled into the generator and the analyzers (linked source) and into the
// runtime tests, which assert that the runtime's hook attributes, ICallback and
// ICallbackDispatcher match it exactly. Change a hook here first; the tests then say what
// else must follow. It must stay plain C# that builds for netstandard2.0.

namespace DreamTrainer.Contract
{
    /// <summary>Where a hook fires in the training loop.</summary>
    internal enum HookPhase
    {
        /// <summary>Training start, epochs, steps and end.</summary>
        Train,

        /// <summary>The validation pass inside a training epoch.</summary>
        Validation,

        /// <summary>Failure delivery.</summary>
        Error,

        /// <summary>Checkpoint save and resume.</summary>
        State,

        /// <summary>Inside a training step that the module runs in phases (zero_grad, backward, optimizer step).</summary>
        OptimizerStep,
    }

    /// <summary>A parameter a hook method may declare, besides the trainer context.</summary>
    internal sealed class HookParameter
    {
        public HookParameter(string name, string typeMetadataName, string typeDisplay, bool isIn = false, bool bindsByName = false)
        {
            Name = name;
            TypeMetadataName = typeMetadataName;
            TypeDisplay = typeDisplay;
            IsIn = isIn;
            BindsByName = bindsByName;
        }

        /// <summary>The parameter's name in ICallback; integers bind by this name (case-insensitive).</summary>
        public string Name { get; }

        /// <summary>The metadata name of the parameter's type, e.g. <c>System.Int32</c>.</summary>
        public string TypeMetadataName { get; }

        /// <summary>The type as C# source writes it, e.g. <c>int</c> or <c>global::DreamTrainer.StepOutput</c>.</summary>
        public string TypeDisplay { get; }

        /// <summary>True when ICallback passes the value by <c>in</c> reference.</summary>
        public bool IsIn { get; }

        /// <summary>True when a user parameter must carry this name to bind (integers).</summary>
        public bool BindsByName { get; }
    }

    /// <summary>
    /// A value a hook offers whose type the hook method chooses (<c>MyBatch batch</c>, <c>MyNet model</c>):
    /// it binds by name, is read from the run (never passed through ICallback, so nothing is boxed), and
    /// the trainer checks the declared type when Fit starts.
    /// </summary>
    internal sealed class TypedSlot
    {
        public TypedSlot(string name, string value, string typeDescription)
        {
            Name = name;
            Value = value;
            TypeDescription = typeDescription;
        }

        /// <summary>The parameter name that binds it (case-insensitive), e.g. <c>batch</c>.</summary>
        public string Name { get; }

        /// <summary>The runtime's <c>BoundValue</c> member, e.g. <c>Batch</c>.</summary>
        public string Value { get; }

        /// <summary>How the offered-parameters list names its type, e.g. <c>TBatch</c>.</summary>
        public string TypeDescription { get; }
    }

    /// <summary>One hook of the contract.</summary>
    internal sealed class HookDefinition
    {
        public HookDefinition(int ordinal, string name, HookPhase phase, bool isPerBatch, HookParameter[] parameters, TypedSlot[] slots, params string[] peerNames)
        {
            Ordinal = ordinal;
            Name = name;
            Phase = phase;
            IsPerBatch = isPerBatch;
            Parameters = parameters;
            Slots = slots;
            PeerNames = peerNames;
        }

        /// <summary>Bit position in <c>HookMask</c> and value of the <c>Hook</c> enum member.</summary>
        public int Ordinal { get; }

        /// <summary>The hook's name without prefix, e.g. <c>TrainBatchEnd</c>; also the <c>Hook</c> enum member.</summary>
        public string Name { get; }

        /// <summary>The ICallback / ICallbackDispatcher method, e.g. <c>OnTrainBatchEnd</c>.</summary>
        public string MethodName => "On" + Name;

        /// <summary>The attribute's simple type name, e.g. <c>OnTrainBatchEndAttribute</c>.</summary>
        public string AttributeName => "On" + Name + "Attribute";

        /// <summary>The attribute's metadata name, e.g. <c>DreamTrainer.OnTrainBatchEndAttribute</c>.</summary>
        public string AttributeMetadataName => HookCatalog.Namespace + "." + AttributeName;

        /// <summary>Where the hook fires.</summary>
        public HookPhase Phase { get; }

        /// <summary>True for the hooks that fire on every batch (the allocation rule watches them).</summary>
        public bool IsPerBatch { get; }

        /// <summary>The parameters after the context, in ICallback order.</summary>
        public HookParameter[] Parameters { get; }

        /// <summary>The values the hook offers by a type the method chooses (batch, outputs, model, optimizer).</summary>
        public TypedSlot[] Slots { get; }

        /// <summary>What Keras and Lightning call this hook (<c>on_epoch_end</c>, …), so the analyzers can point a ported method at it.</summary>
        public string[] PeerNames { get; }
    }

    /// <summary>Every hook, in ordinal order, plus the names of the contract's types.</summary>
    internal static class HookCatalog
    {
        public const string Namespace = "DreamTrainer";
        public const string ContextMetadataName = "DreamTrainer.TrainerContext";
        public const string ContextDisplay = "global::DreamTrainer.TrainerContext";
        public const string ContextParameterName = "context";
        public const string CallbackInterfaceMetadataName = "DreamTrainer.ICallback";
        public const string DispatcherInterfaceMetadataName = "DreamTrainer.ICallbackDispatcher";
        public const string CallbackAttributeMetadataName = "DreamTrainer.CallbackAttribute";
        public const string CallbackStateAttributeMetadataName = "DreamTrainer.CallbackStateAttribute";
        public const string CallbackPipelineAttributeMetadataName = "DreamTrainer.CallbackPipelineAttribute";
        public const string TrainerControlAttributeMetadataName = "DreamTrainer.TrainerControlAttribute";
        public const string HookEnumMetadataName = "DreamTrainer.Hook";
        public const string HookMaskMetadataName = "DreamTrainer.HookMask";
        public const string ErrorPolicyMetadataName = "DreamTrainer.CallbackErrorPolicy";
        public const string StateWriterMetadataName = "DreamTrainer.CallbackStateWriter";
        public const string StateReaderMetadataName = "DreamTrainer.CallbackStateReader";

        /// <summary>Ordinals the generator and analyzers refer to by name.</summary>
        public const int TrainEndOrdinal = 5;
        public const int ExceptionOrdinal = 12;
        public const int SaveStateOrdinal = 13;
        public const int LoadStateOrdinal = 14;

        /// <summary>The runtime types the typed slots need.</summary>
        public const string BoundValueMetadataName = "DreamTrainer.BoundValue";
        public const string HookBindingMetadataName = "DreamTrainer.HookBinding";
        public const string BatchSlotMetadataName = "DreamTrainer.BatchSlot`1";
        public const string GradientViewMetadataName = "DreamTrainer.GradientView";

        /// <summary>The ICallback parameter batch-end hooks read step outputs from.</summary>
        public const string OutputParameterName = "output";

        /// <summary>The attribute generated callbacks carry so pipelines in other assemblies can read their hooks.</summary>
        public const string GeneratedCallbackAttributeMetadataName = "DreamTrainer.GeneratedCallbackAttribute";

        private static readonly HookParameter Epoch = new HookParameter("epoch", "System.Int32", "int", bindsByName: true);
        private static readonly HookParameter BatchIndex = new HookParameter("batchIndex", "System.Int32", "int", bindsByName: true);
        private static readonly HookParameter GlobalStep = new HookParameter("globalStep", "System.Int64", "long", bindsByName: true);
        private static readonly HookParameter Output = new HookParameter("output", "DreamTrainer.StepOutput", "global::DreamTrainer.StepOutput", isIn: true);
        private static readonly HookParameter Metrics = new HookParameter("metrics", "DreamTrainer.MetricsView", "global::DreamTrainer.MetricsView");
        private static readonly HookParameter Reason = new HookParameter("reason", "DreamTrainer.TrainEndReason", "global::DreamTrainer.TrainEndReason");
        private static readonly HookParameter ExceptionParameter = new HookParameter("exception", "System.Exception", "global::System.Exception");
        private static readonly HookParameter Writer = new HookParameter("writer", StateWriterMetadataName, "global::DreamTrainer.CallbackStateWriter");
        private static readonly HookParameter Reader = new HookParameter("reader", StateReaderMetadataName, "global::DreamTrainer.CallbackStateReader");
        private static readonly HookParameter Gradients = new HookParameter("gradients", GradientViewMetadataName, "global::DreamTrainer.GradientView");

        /// <summary>The current batch, typed as the data yields it.</summary>
        public static readonly TypedSlot Batch = new TypedSlot("batch", "Batch", "TBatch");

        /// <summary>What the step returned besides the loss (<c>StepResult.Outputs</c>).</summary>
        public static readonly TypedSlot Outputs = new TypedSlot("outputs", "Outputs", "TOutputs");

        /// <summary>The module's model object.</summary>
        public static readonly TypedSlot Model = new TypedSlot("model", "Model", "TModel");

        /// <summary>The module's optimizer object.</summary>
        public static readonly TypedSlot Optimizer = new TypedSlot("optimizer", "Optimizer", "TOptimizer");

        /// <summary>Every typed slot, in the order of the runtime's <c>BoundValue</c>.</summary>
        public static readonly TypedSlot[] AllSlots = { Batch, Outputs, Model, Optimizer };

        private static readonly TypedSlot[] Anywhere = { Model, Optimizer };
        private static readonly TypedSlot[] BatchStart = { Batch, Model, Optimizer };
        private static readonly TypedSlot[] BatchEnd = { Batch, Outputs, Model, Optimizer };

        /// <summary>All hooks; the index of each is its <see cref="HookDefinition.Ordinal"/>.</summary>
        public static readonly HookDefinition[] All =
        {
            new HookDefinition(0, "TrainStart", HookPhase.Train, false, P(), Anywhere, "on_train_start", "on_train_begin", "on_fit_start"),
            new HookDefinition(1, "TrainEpochStart", HookPhase.Train, false, P(Epoch), Anywhere, "on_train_epoch_start", "on_epoch_begin", "on_epoch_start"),
            new HookDefinition(2, "TrainBatchStart", HookPhase.Train, true, P(BatchIndex, GlobalStep), BatchStart, "on_train_batch_start", "on_train_batch_begin", "on_batch_begin", "on_batch_start"),
            new HookDefinition(3, "TrainBatchEnd", HookPhase.Train, true, P(Output, BatchIndex, GlobalStep), BatchEnd, "on_train_batch_end", "on_batch_end"),
            new HookDefinition(4, "TrainEpochEnd", HookPhase.Train, false, P(Epoch, Metrics), Anywhere, "on_train_epoch_end", "on_epoch_end"),
            new HookDefinition(5, "TrainEnd", HookPhase.Train, false, P(Reason), Anywhere, "on_train_end", "on_fit_end"),
            new HookDefinition(6, "ValidationStart", HookPhase.Validation, false, P(), Anywhere, "on_validation_start", "on_test_begin"),
            new HookDefinition(7, "ValidationEpochStart", HookPhase.Validation, false, P(Epoch), Anywhere, "on_validation_epoch_start"),
            new HookDefinition(8, "ValidationBatchStart", HookPhase.Validation, true, P(BatchIndex, GlobalStep), BatchStart, "on_validation_batch_start", "on_test_batch_begin"),
            new HookDefinition(9, "ValidationBatchEnd", HookPhase.Validation, true, P(Output, BatchIndex, GlobalStep), BatchEnd, "on_validation_batch_end", "on_test_batch_end"),
            new HookDefinition(10, "ValidationEpochEnd", HookPhase.Validation, false, P(Epoch, Metrics), Anywhere, "on_validation_epoch_end"),
            new HookDefinition(11, "ValidationEnd", HookPhase.Validation, false, P(), Anywhere, "on_validation_end", "on_test_end"),
            new HookDefinition(12, "Exception", HookPhase.Error, false, P(ExceptionParameter), Anywhere, "on_exception"),
            new HookDefinition(13, "SaveState", HookPhase.State, false, P(Writer), Anywhere, "on_save_checkpoint"),
            new HookDefinition(14, "LoadState", HookPhase.State, false, P(Reader), Anywhere, "on_load_checkpoint"),
            new HookDefinition(15, "AfterBackward", HookPhase.OptimizerStep, true, P(Gradients, BatchIndex, GlobalStep), BatchStart, "on_after_backward"),
            new HookDefinition(16, "BeforeOptimizerStep", HookPhase.OptimizerStep, true, P(Gradients, BatchIndex, GlobalStep), BatchStart, "on_before_optimizer_step"),
            new HookDefinition(17, "BeforeZeroGrad", HookPhase.OptimizerStep, true, P(Gradients, BatchIndex, GlobalStep), BatchStart, "on_before_zero_grad"),
        };

        /// <summary>Finds a hook by its attribute's metadata name; null when it is not a hook attribute.</summary>
        public static HookDefinition? FindByAttribute(string attributeMetadataName)
        {
            foreach (HookDefinition hook in All)
            {
                if (hook.AttributeMetadataName == attributeMetadataName)
                {
                    return hook;
                }
            }

            return null;
        }

        private static HookParameter[] P(params HookParameter[] parameters) => parameters;
    }
}
