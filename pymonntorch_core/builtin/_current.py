"""The input-current convention shared by the built-in neurons, inputs and synapses.

Every built-in neuron model reads the float vector ``I`` of its NeuronGroup (shape ``(size,)``,
the network's dtype and device) once per iteration, integrates it, and then sets it to zero.
Inputs and synapses *add* into ``I``; whatever is added before the neuron's behavior runs in
iteration ``t`` (or after it in iteration ``t - 1``) is used by the neuron at iteration ``t``.
So behavior keys may put inputs and synapses before or after the neuron: the current always reaches
it exactly once. Everyone reads ``group.I`` anew each iteration (never a cached reference), so a
re-initialised neuron may replace the tensor.
"""
import torch

__all__ = ["input_current", "spike_vector"]


def input_current(group):
    """``group.I``, created as zeros when it is missing or has the wrong shape or dtype."""
    current = getattr(group, "I", None)
    if not (isinstance(current, torch.Tensor) and current.shape == (group.size,)
            and current.dtype == group.def_dtype):
        group.I = group.vector("zeros")
    return group.I


def spike_vector(group):
    """A fresh all-False ``(size,)`` bool vector for ``group.spike``."""
    return torch.zeros(group.size, dtype=torch.bool, device=group.device)
