using Xunit;

// Tensor.TotalCount and GC-free regions are process-wide: tests that count live tensors must run alone.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
