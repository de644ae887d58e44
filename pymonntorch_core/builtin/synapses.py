"""Built-in synaptic transmission, event-driven: only the weights of neurons that spiked are read.

Both behaviors sit on a SynapseGroup, read the source group's ``spike`` vector (bool or 0/1) and
add into the destination group's input current ``I`` (held over a step, see
``pymonntorch_core.builtin._current``). What a weight means does not depend on ``dt``:

**A weight is the area under the synaptic kernel**: the charge (current x ms) one spike delivers
for a current-based synapse, the conductance x ms for a conductance-based one. With
``x = sign * scale * sum over spiking sources i of W[i, :]`` (= ``sign * scale * W.T @ spike``):

- ``tau = 0`` (instantaneous, the default): ``I += x / dt`` in one step. Into a ``LIF`` neuron this
  is a voltage jump of ``R x / tau_m`` mV as ``dt -> 0`` (``R x (1 - exp(-dt/tau_m)) / dt`` at ``dt``).
- ``tau > 0`` (exponential kernel, time constant ``tau`` ms): the kernel state ``g`` (on the
  SynapseGroup, one value per destination) jumps by ``x / tau`` and decays as ``exp(-t / tau)``;
  each step adds its exact average over the step, ``g tau (1 - exp(-dt/tau)) / dt``, so the total
  charge is ``x`` at any ``dt``.
- ``reversal = E`` (mV, conductance-based): the delivered amount is a conductance (in units of 1/R)
  and the current is ``conductance * (E - v)``, with the destination's ``voltage`` at delivery
  (held over the step: keep ``R g dt / tau_m`` well below 1). Without ``reversal`` it is a current.
- ``delay`` (ms): a spike in step ``t`` acts from step ``t + 1 + round(delay / dt)`` on, i.e. its
  current starts ``delay`` ms after the end of the spike's step (``delay = 0``: the next step).

``DenseSynapse`` keeps a dense ``W`` of ``matrix_dim()`` (``(src, dst)`` in the default "SxD" mode,
``(dst, src)`` in "DxS") and reads its rows (SxD) or columns (DxS) of spiking sources.
``SparseSynapse`` keeps a ``SparseWeights`` (``pymonntorch_core.builtin.connectivity``) and scatters
the spiking rows. Finding the spiking neurons (``pymonntorch_core.events``) waits for the device on
CUDA (no explicit copy); ``event_driven=False`` uses the full product instead (no wait, graded
activity allowed). ``sign``, ``scale``, ``tau`` (when > 0) and ``reversal`` are live-tunable floats.
"""
import math

import torch

from ..behavior import Behavior
from ..errors import ArgumentError, StateError
from ..events import nonzero_indices
from ._current import input_current
from .connectivity import SparseWeights

__all__ = ["DenseSynapse", "SparseSynapse"]

_RANGES = {"scale": (0.0, 100.0, 0.01), "sign": (-1.0, 1.0, 2.0), "dt": (0.001, 10.0, 0.001),
           "reversal": (-120.0, 60.0, 0.1)}


class _Transmission(Behavior):
    """Kernel, delay and reversal potential shared by the dense and sparse synapses."""

    parameter_ranges = _RANGES

    def _setup(self, synapses):
        owner = type(self).__name__
        self.scale = float(self.parameter("scale", 1.0))
        self.sign = float(self.parameter("sign", 1.0))
        self.event_driven = bool(self.parameter("event_driven", True))
        self.dt = float(self.parameter("dt", 1.0))
        tau = float(self.parameter("tau", 0.0))
        delay = float(self.parameter("delay", 0.0))
        reversal = self.parameter("reversal", None)
        if not self.dt > 0:
            raise ArgumentError(f"{owner}.dt: must be > 0 ms, got {self.dt}")
        if not tau >= 0:
            raise ArgumentError(f"{owner}.tau: must be >= 0 ms (0: instantaneous), got {tau}")
        if not delay >= 0:
            raise ArgumentError(f"{owner}.delay: must be >= 0 ms, got {delay}")
        self._kernel = tau > 0
        # tau is tunable only within its kind: an exponential kernel stays one, an instantaneous one stays 0
        self.tau = float(self.parameter("tau", 0.0, min=0.01 if self._kernel else 0.0,
                                        max=1000.0 if self._kernel else 0.0, step=0.1, unit="ms"))
        if reversal is not None:
            self.reversal = float(reversal)
        self._conductance = reversal is not None
        self._extra_steps = round(delay / self.dt)
        self._delay = delay
        dst = synapses.dst
        input_current(dst)
        self._ring = (torch.zeros((self._extra_steps, dst.size), device=synapses.device, dtype=synapses.def_dtype)
                      if self._extra_steps else None)
        self._slot = 0
        if self._kernel:
            synapses.g = dst.vector("zeros")
        self._scratch = dst.vector("zeros") if (self._conductance and not self._kernel and self._ring is None) else None
        self._plain = not (self._kernel or self._conductance or self._extra_steps)

    @property
    def delay(self):
        """The transmission delay in ms as given (``round(delay / dt)`` steps after the next one)."""
        return self._delay

    def _transmit(self, synapses, out, alpha):
        """``out += alpha * W.T @ spike`` (each synapse type reads its own weights)."""
        raise NotImplementedError

    def forward(self, synapses):
        dst = synapses.dst
        current = dst.I
        per_spike = self.sign * self.scale / (self.tau if self._kernel else self.dt)
        if self._plain:
            self._transmit(synapses, current, per_spike)
            return
        ring = self._ring
        if ring is not None:  # what was deposited extra_steps ago arrives now
            arrived = ring[self._slot]
            self._slot = (self._slot + 1) % self._extra_steps
        elif self._kernel:
            arrived = None
            self._transmit(synapses, synapses.g, per_spike)
        else:
            arrived = self._scratch.zero_()
            self._transmit(synapses, arrived, per_spike)
        if self._kernel:
            g = synapses.g
            if arrived is not None:
                g.add_(arrived)
            decay = math.exp(-self.dt / self.tau)
            amount = g * ((1.0 - decay) * self.tau / self.dt)  # the kernel's exact mean over the step
            g.mul_(decay)
        else:
            amount = arrived
        if self._conductance:
            voltage = getattr(dst, "voltage", None)
            if not isinstance(voltage, torch.Tensor):
                raise StateError(f"{type(self).__name__}.reversal: the destination group {dst.tags[0]!r} has no "
                                 f"voltage (conductance-based synapses need a neuron model on it)")
            current.addcmul_(amount, torch.rsub(voltage, self.reversal))
        else:
            current.add_(amount)
        if ring is not None:  # refill the slot: read again extra_steps steps from now
            arrived.zero_()
            self._transmit(synapses, arrived, per_spike)


class DenseSynapse(_Transmission):
    r"""Event-driven transmission through a dense weight matrix ``synapses.W``.

    Parameters
    ----------
    weights : a mode string or number for ``synapses.matrix`` ("uniform"), or a tensor of
        ``matrix_dim()``; density : float, probability that an entry is kept (None: all).
        A weight is a charge (current x ms), or conductance x ms with ``reversal`` (see the module).
    scale : float (1.0); sign : +1.0 excitatory or -1.0 inhibitory (1.0);
    tau : float, exponential kernel time constant in ms (0.0: instantaneous);
    reversal : float, reversal potential in mV (None: current-based);
    delay : float, transmission delay in ms (0.0: the next step); dt : float, step in ms (1.0);
    event_driven : bool, read only the spiking rows (True) or multiply the whole matrix (False).
    """

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
        self._setup(synapses)

    def _transmit(self, synapses, out, alpha):
        weights, spike = synapses.W, synapses.src.spike
        if self.event_driven:
            idx = nonzero_indices(spike)
            if self._src_major:
                out.add_(weights.index_select(0, idx).sum(0), alpha=alpha)
            else:
                out.add_(weights.index_select(1, idx).sum(1), alpha=alpha)
        else:
            activity = spike.to(weights.dtype)
            out.add_(activity @ weights if self._src_major else weights @ activity, alpha=alpha)


class SparseSynapse(_Transmission):
    r"""Event-driven transmission through sparse weights ``synapses.W`` (a ``SparseWeights``).

    Parameters
    ----------
    connectivity : "fixed_in_degree" (default), "fixed_out_degree", "fixed_probability", or a
        ``SparseWeights`` built elsewhere; in_degree / out_degree : int; p : float (with the matching
        connectivity); autapses : bool, allow self-connections in a group connected to itself (True).
    weights : mode string or number for the weight values ("uniform"): a charge (current x ms), or
        conductance x ms with ``reversal`` (see the module).
    scale : float (1.0); sign : +1.0 or -1.0 (1.0); tau : float, kernel time constant in ms (0.0);
    reversal : float, mV (None: current-based); delay : float, ms (0.0: the next step);
    dt : float, step in ms (1.0); event_driven : bool (True).

    Memory is about ``(4 + itemsize) * width * n_src`` bytes: see ``SparseWeights``.

    Example
    -------
    >>> SynapseGroup(net=net, src=exc, dst=exc, tag="EE",
    ...              behavior={3: SparseSynapse(in_degree=100, weights="uniform(0, 0.5)")})
    >>> SynapseGroup(net=net, src=inh, dst=exc, tag="IE",   # conductance-based GABA-A, 1.5 ms delay
    ...              behavior={3: SparseSynapse(in_degree=25, weights=0.5, tau=5.0, reversal=-80.0,
    ...                                         delay=1.5, dt=0.1)})
    """

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
        self._setup(synapses)

    def _transmit(self, synapses, out, alpha):
        if self.event_driven:
            synapses.W.deliver(synapses.src.spike, out, alpha)
        else:
            synapses.W.propagate(synapses.src.spike, out, alpha)
