"""Built-in inputs: constant or noisy current, Poisson input current, and Poisson spike sources.

``CurrentInput`` and ``PoissonInput`` add into the group's input current ``I`` (see
``pymonntorch_core.builtin._current``), which the group's neuron model uses once and zeroes;
``PoissonSpikes`` makes a group a spike source by writing its ``spike`` vector. Random numbers come
from torch's global generator on the group's device (``torch.manual_seed`` reproduces a run).
"""
import math

import torch

from ..behavior import Behavior
from ..errors import ArgumentError
from ._current import input_current, spike_vector

__all__ = ["CurrentInput", "PoissonInput", "PoissonSpikes"]


def _probability(owner, rate, dt):
    p = rate * dt / 1000.0
    if not 0.0 <= p <= 1.0:
        raise ArgumentError(f"{owner}: rate * dt / 1000 must lie in [0, 1] (a probability per step), "
                            f"got rate={rate} Hz, dt={dt} ms")
    return p


class CurrentInput(Behavior):
    r"""A constant current plus optional Gaussian white noise, added into ``I`` every iteration::

        I += current + noise * xi / sqrt(dt),   xi ~ N(0, 1) drawn per neuron and iteration

    The noise is white noise of intensity ``noise`` (current x sqrt(ms)): its effect does not depend on
    ``dt``. Into a ``LIF`` neuron it gives a stationary voltage standard deviation of
    ``R noise / sqrt(2 tau)`` mV (``R noise sqrt(tanh(dt / 2 tau) / dt)`` at ``dt``). At ``dt = 1`` ms,
    ``noise`` is the standard deviation of the current drawn in each step.

    Parameters
    ----------
    current : float, or a mode string ("uniform(10, 20)") or tensor for a fixed per-neuron current
        drawn once at initialise (then ``current`` on the behavior is a gain on it, 1.0). Default 0.0.
    noise : float, noise intensity in current x sqrt(ms) (0.0: none).
    dt : float, step in ms (1.0).
    """

    parameter_ranges = {"current": (-100.0, 100.0, 0.01), "noise": (0.0, 100.0, 0.01), "dt": (0.001, 10.0, 0.001)}
    units = {"current": "nA", "noise": "nA·√ms", "I": "nA"}

    def initialize(self, neurons):
        super().initialize(neurons)
        current = self.parameter("current", None)  # raw: a mode string is a per-neuron pattern
        current = 0.0 if current is None else current
        self._pattern = None
        if isinstance(current, torch.Tensor):
            self._pattern = current.to(device=neurons.device, dtype=neurons.def_dtype).expand(neurons.size).clone()
            current = 1.0
        elif isinstance(current, str):
            self._pattern = neurons.vector(current)
            current = 1.0
        self.current = float(current)
        self.noise = float(self.parameter("noise", 0.0))
        self.dt = float(self.parameter("dt", 1.0))
        if not self.dt > 0:
            raise ArgumentError(f"CurrentInput.dt: must be > 0 ms, got {self.dt}")
        self._xi = input_current(neurons).clone()  # noise drawn in place: no allocation per step

    def forward(self, neurons):
        current, constant = neurons.I, self.current
        if self._pattern is not None:
            current.add_(self._pattern, alpha=constant)
            constant = 0.0
        if self.noise > 0.0:  # the constant rides on the noise draw: one pass over I
            current.add_(self._xi.normal_(constant, self.noise / math.sqrt(self.dt)))
        elif constant != 0.0:
            current.add_(constant)


class PoissonInput(Behavior):
    r"""Poisson input spike trains converted into current, added into ``I`` every iteration::

        k ~ Binomial(count, p),  p = rate * dt / 1000     (rate in Hz, dt in ms; Bernoulli for count=1)
        I += weight * k / dt

    i.e. each neuron receives ``count`` independent Poisson trains of ``rate`` Hz, and each input spike
    delivers the charge ``weight`` (current x ms) within its step, like an instantaneous synapse
    (``SparseSynapse``): the mean current ``count * rate * weight / 1000`` does not depend on ``dt``. The number of input
    spikes of the last iteration is kept in ``self.events`` only when ``keep_events=True``.

    Parameters
    ----------
    rate : float, Hz (10.0); dt : float, ms (1.0); weight : float, charge per input spike (1.0);
    count : int, trains per neuron (1).
    """

    parameter_ranges = {"rate": (0.0, 1000.0, 0.1), "weight": (-100.0, 100.0, 0.01), "dt": (0.001, 10.0, 0.001)}
    units = {"rate": "Hz", "weight": "nA", "dt": "ms", "I": "nA"}

    def initialize(self, neurons):
        super().initialize(neurons)
        self.rate = float(self.parameter("rate", 10.0))
        self.dt = float(self.parameter("dt", 1.0))
        self.weight = float(self.parameter("weight", 1.0))
        self._count = int(self.parameter("count", 1))
        self._keep = bool(self.parameter("keep_events", False))
        if self._count < 1:
            raise ArgumentError(f"PoissonInput.count: must be an int >= 1, got {self._count}")
        _probability("PoissonInput", self.rate, self.dt)
        self._trials = None if self._count == 1 else neurons.vector(float(self._count))
        self.events = None
        self._uniform = input_current(neurons).clone()

    def forward(self, neurons):
        current = neurons.I
        p = self.rate * self.dt / 1000.0
        if self._trials is None:
            events = torch.lt(self._uniform.uniform_(), p)
        else:
            events = torch.binomial(self._trials, torch.full_like(self._trials, p))
        current.add_(events, alpha=self.weight / self.dt)
        if self._keep:
            self.events = events


class PoissonSpikes(Behavior):
    r"""Makes the group a Poisson spike source: ``spike = uniform() < rate * dt / 1000`` per neuron
    and iteration (rate in Hz, dt in ms). Connect it to other groups with synapses.
    """

    parameter_ranges = {"rate": (0.0, 1000.0, 0.1), "dt": (0.001, 10.0, 0.001)}
    units = {"rate": "Hz", "dt": "ms"}

    def initialize(self, neurons):
        super().initialize(neurons)
        self.rate = float(self.parameter("rate", 10.0))
        self.dt = float(self.parameter("dt", 1.0))
        _probability("PoissonSpikes", self.rate, self.dt)
        neurons.spike = spike_vector(neurons)
        self._uniform = neurons.vector("zeros")

    def forward(self, neurons):
        torch.lt(self._uniform.uniform_(), self.rate * self.dt / 1000.0, out=neurons.spike)
