"""Built-in synaptic transmission that reads only the weights of neurons that spiked (event-driven).

Both behaviors sit on a SynapseGroup, read the source group's ``spike`` vector (bool or 0/1) and
add into the destination group's input current ``I``::

    I_dst += sign * scale * sum over spiking sources i of W[i, :]      (= sign * scale * W.T @ spike)

``DenseSynapse`` keeps a dense ``W`` of ``matrix_dim()`` (``(src, dst)`` in the default "SxD" mode,
``(dst, src)`` in "DxS") and reads its rows (SxD) or columns (DxS) of spiking sources.
``SparseSynapse`` keeps a ``SparseWeights`` (``pymonntorch_core.builtin.connectivity``) and scatters
the spiking rows into ``I``. Finding the spiking neurons uses ``torch.nonzero``, which waits for the
device on CUDA (no explicit copy); ``event_driven=False`` uses the full product instead (no wait,
graded activity allowed). ``sign`` and ``scale`` are live-tunable floats.
"""
import torch

from ..behavior import Behavior
from ..errors import ArgumentError
from ._current import input_current
from .connectivity import SparseWeights

__all__ = ["DenseSynapse", "SparseSynapse"]

_RANGES = {"scale": (0.0, 100.0, 0.01), "sign": (-1.0, 1.0, 2.0)}


def _common(behavior, synapses):
    behavior.scale = float(behavior.parameter("scale", 1.0))
    behavior.sign = float(behavior.parameter("sign", 1.0))
    behavior.event_driven = bool(behavior.parameter("event_driven", True))
    input_current(synapses.dst)


class DenseSynapse(Behavior):
    r"""Event-driven transmission through a dense weight matrix ``synapses.W``.

    Parameters
    ----------
    weights : a mode string or number for ``synapses.matrix`` ("uniform"), or a tensor of
        ``matrix_dim()``; density : float, probability that an entry is kept (None: all).
    scale : float (1.0); sign : +1.0 excitatory or -1.0 inhibitory (1.0);
    event_driven : bool, read only the spiking rows (True) or multiply the whole matrix (False).
    """

    parameter_ranges = _RANGES

    def initialize(self, synapses):
        super().initialize(synapses)
        weights = self.parameter("weights", "uniform")
        density = self.parameter("density", None)
        if isinstance(weights, torch.Tensor):
            if tuple(weights.shape) != tuple(synapses.matrix_dim()):
                raise ArgumentError(f"DenseSynapse.weights: must have shape {tuple(synapses.matrix_dim())} "
                                    f"(matrix_dim), got {tuple(weights.shape)}")
            synapses.W = weights.to(device=synapses.device, dtype=synapses.def_dtype).clone()
        else:
            synapses.W = synapses.matrix(weights, density=density)
        self._src_major = synapses.network.transposed_synapse_matrix_mode
        _common(self, synapses)

    def forward(self, synapses):
        weights, spike, alpha = synapses.W, synapses.src.spike, self.sign * self.scale
        current = synapses.dst.I
        if self.event_driven:
            idx = torch.nonzero(spike).view(-1)
            if self._src_major:
                current.add_(weights.index_select(0, idx).sum(0), alpha=alpha)
            else:
                current.add_(weights.index_select(1, idx).sum(1), alpha=alpha)
        else:
            activity = spike.to(weights.dtype)
            current.add_(activity @ weights if self._src_major else weights @ activity, alpha=alpha)


class SparseSynapse(Behavior):
    r"""Event-driven transmission through sparse weights ``synapses.W`` (a ``SparseWeights``).

    Parameters
    ----------
    connectivity : "fixed_in_degree" (default), "fixed_out_degree", "fixed_probability", or a
        ``SparseWeights`` built elsewhere; in_degree / out_degree : int; p : float (with the matching
        connectivity); autapses : bool, allow self-connections in a group connected to itself (True).
    weights : mode string or number for the weight values ("uniform").
    scale : float (1.0); sign : +1.0 or -1.0 (1.0); event_driven : bool (True).

    Memory is about ``(4 + itemsize) * width * n_src`` bytes: see ``SparseWeights``.

    Example
    -------
    >>> SynapseGroup(net=net, src=exc, dst=exc, tag="EE",
    ...              behavior={3: SparseSynapse(in_degree=100, weights="uniform(0, 0.5)")})
    """

    parameter_ranges = _RANGES

    def initialize(self, synapses):
        super().initialize(synapses)
        connectivity = self.parameter("connectivity", "fixed_in_degree")
        weights = self.parameter("weights", "uniform")
        if isinstance(connectivity, SparseWeights):
            if (connectivity.n_src, connectivity.n_dst) != (synapses.src.size, synapses.dst.size):
                raise ArgumentError(f"SparseSynapse.connectivity: SparseWeights of {connectivity.n_src} -> "
                                    f"{connectivity.n_dst} neurons cannot connect {synapses.src.size} -> "
                                    f"{synapses.dst.size}")
            synapses.W = connectivity
        else:
            kwargs = {}
            for key in ("in_degree", "out_degree", "p", "autapses"):
                value = self.parameter(key, None)
                if value is not None:
                    kwargs[key] = value
            if connectivity == "fixed_in_degree" and "in_degree" not in kwargs:
                loops = kwargs.get("autapses", True) is False and synapses.src is synapses.dst
                kwargs["in_degree"] = min(100, synapses.src.size - int(loops))
            synapses.W = synapses.sparse_matrix(connectivity, weights=weights, **kwargs)
        _common(self, synapses)

    def forward(self, synapses):
        if self.event_driven:
            synapses.W.deliver(synapses.src.spike, synapses.dst.I, self.sign * self.scale)
        else:
            synapses.W.propagate(synapses.src.spike, synapses.dst.I, self.sign * self.scale)
