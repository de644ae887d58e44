"""Where a tensor is non-zero (spikes, events): ``torch.nonzero``, by NumPy for boolean CPU tensors.

NumPy finds the True entries of a flat boolean array several times faster than ``torch.nonzero`` on the
CPU (measured: 5-6 against 16-60 us for a 10,000-neuron spike vector, 2.8 against 4.3-6.1 ms for 500
iterations of it), and every event-driven synapse, event recorder and dashboard frame asks. Other dtypes
(NumPy is slower than torch on them) and other devices use ``torch.nonzero``, which waits for the device
on CUDA.
"""
import numpy as np
import torch

__all__ = ["nonzero_indices", "nonzero_rows"]


def _flat_true(values):
    """The flat indices of the True entries of a boolean CPU tensor, by NumPy; None for any other tensor."""
    if values.dtype != torch.bool or not values.is_cpu:
        return None
    return values.numpy().reshape(-1).nonzero()[0]


def nonzero_indices(values):
    """The ascending int64 indices where the 1-D tensor ``values`` is non-zero (``torch.nonzero(values).view(-1)``)."""
    flat = _flat_true(values) if values.dim() == 1 else None
    return torch.nonzero(values).view(-1) if flat is None else torch.from_numpy(flat)


def nonzero_rows(values):
    """The ``(K, values.dim())`` int64 indices of the non-zero entries, row-major (``torch.nonzero(values)``)."""
    flat = _flat_true(values) if values.dim() else None
    if flat is None:
        return torch.nonzero(values)
    if values.dim() == 1:
        return torch.from_numpy(flat[:, None])
    return torch.from_numpy(np.stack(np.unravel_index(flat, tuple(values.shape)), axis=1))
