using CouplingFlows.Numerics;

namespace CouplingFlows.Flows;

/// <summary>Samples drawn from a flow and their log-densities.</summary>
/// <param name="Samples">(B, D) draws in data space.</param>
/// <param name="LogProb">log p(x) of each draw, length B, in nats.</param>
public readonly record struct FlowSample(Tensor Samples, float[] LogProb);
