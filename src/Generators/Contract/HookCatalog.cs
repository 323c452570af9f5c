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

    /// <summary>One hook of the contract.</summary>
    internal sealed class HookDefinition
    {
        public HookDefinition(int ordinal, string name, HookPhase phase, bool isPerBatch, params HookParameter[] parameters)
        {
            Ordinal = ordinal;
            Name = name;
            Phase = phase;
            IsPerBatch = isPerBatch;
            Parameters = parameters;
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

        /// <summary>All hooks; the index of each is its <see cref="HookDefinition.Ordinal"/>.</summary>
        public static readonly HookDefinition[] All =
        {
            new HookDefinition(0, "TrainStart", HookPhase.Train, false),
            new HookDefinition(1, "TrainEpochStart", HookPhase.Train, false, Epoch),
            new HookDefinition(2, "TrainBatchStart", HookPhase.Train, true, BatchIndex, GlobalStep),
            new HookDefinition(3, "TrainBatchEnd", HookPhase.Train, true, Output, BatchIndex, GlobalStep),
            new HookDefinition(4, "TrainEpochEnd", HookPhase.Train, false, Epoch, Metrics),
            new HookDefinition(5, "TrainEnd", HookPhase.Train, false, Reason),
            new HookDefinition(6, "ValidationStart", HookPhase.Validation, false),
            new HookDefinition(7, "ValidationEpochStart", HookPhase.Validation, false, Epoch),
            new HookDefinition(8, "ValidationBatchStart", HookPhase.Validation, true, BatchIndex, GlobalStep),
            new HookDefinition(9, "ValidationBatchEnd", HookPhase.Validation, true, Output, BatchIndex, GlobalStep),
            new HookDefinition(10, "ValidationEpochEnd", HookPhase.Validation, false, Epoch, Metrics),
            new HookDefinition(11, "ValidationEnd", HookPhase.Validation, false),
            new HookDefinition(12, "Exception", HookPhase.Error, false, ExceptionParameter),
            new HookDefinition(13, "SaveState", HookPhase.State, false, Writer),
            new HookDefinition(14, "LoadState", HookPhase.State, false, Reader),
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
    }
}
