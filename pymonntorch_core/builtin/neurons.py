"""Built-in neuron models: leaky integrate-and-fire (``LIF``) and ``Izhikevich``.

Both read the group's input current ``I`` once per iteration and then zero it (see
``pymonntorch_core.builtin._current``: inputs and synapses add into ``I``), and write the group's
``voltage`` (float) and ``spike`` (bool) vectors in place. Time is in ms; ``dt`` is the step.
Scalar parameters are plain Python floats on the behavior: changing one (``lif.threshold = -52.0``
or ``set_parameter``) applies at the next iteration. They work on any device and floating dtype;
``forward`` never copies between host and device.
"""
import math

import torch

from ..behavior import Behavior
from ..errors import ArgumentError, close_matches
from ._current import spike_vector

__all__ = ["LIF", "Izhikevich", "IZHIKEVICH_PRESETS"]


def _initial(behavior, neurons, key, default):
    """The initial value of a state vector: a number, a mode string ("uniform(-70, -50)") or a tensor."""
    value = behavior.parameter(key, None)
    if value is None:
        return neurons.vector(float(default))
    if isinstance(value, torch.Tensor):
        return value.to(device=neurons.device, dtype=neurons.def_dtype).expand(neurons.size).clone()
    return neurons.vector(value)


class LIF(Behavior):
    r"""Leaky integrate-and-fire neurons.

    Equations (exact integration over a step, ``I`` held constant during it)::

        tau dv/dt = -(v - rest) + R I
        v(t + dt) = v_inf + (v(t) - v_inf) exp(-dt / tau),   v_inf = rest + R I
        spike     = v >= threshold;   then v = reset, and v is held at reset for
                    round(refractory / dt) iterations (refractory > 0), ignoring input.

    Parameters
    ----------
    tau : float, membrane time constant in ms (10.0).
    rest, threshold, reset : float, potentials in mV (-65.0, -50.0, -65.0).
    R : float, membrane resistance: the steady-state depolarisation per unit current (1.0).
    refractory : float, refractory period in ms (0.0: none).
    dt : float, step in ms (1.0).
    v_init : initial voltage: a number, a mode string such as "uniform(-65, -50)", or a tensor
        (default: ``rest``).

    The group gets ``voltage`` (float), ``spike`` (bool), ``I`` (float, zeroed after each use) and,
    for a refractory period, ``refractory_left`` (ms left, float).

    Example
    -------
    >>> ng = NeuronGroup(100, net, behavior={1: CurrentInput(current=20.0), 2: LIF(tau=10.0),
    ...                                      9: EventRecorder(["spike"])})
    """

    parameter_ranges = {
        "tau": (0.1, 1000.0, 0.1), "rest": (-100.0, 100.0, 0.1), "threshold": (-100.0, 100.0, 0.1),
        "reset": (-100.0, 100.0, 0.1), "R": (0.0, 1000.0, 0.01), "refractory": (0.0, 100.0, 0.1),
        "dt": (0.001, 10.0, 0.001),
    }
    units = {"tau": "ms", "rest": "mV", "threshold": "mV", "reset": "mV", "R": "MΩ", "refractory": "ms",
             "dt": "ms", "voltage": "mV", "I": "nA", "refractory_left": "ms"}

    def initialize(self, neurons):
        super().initialize(neurons)
        self.tau = float(self.parameter("tau", 10.0))
        self.rest = float(self.parameter("rest", -65.0))
        self.threshold = float(self.parameter("threshold", -50.0))
        self.reset = float(self.parameter("reset", self.rest))
        self.R = float(self.parameter("R", 1.0))
        self.refractory = float(self.parameter("refractory", 0.0))
        self.dt = float(self.parameter("dt", 1.0))
        if self.tau <= 0 or self.dt <= 0:
            raise ArgumentError(f"LIF: tau and dt must be > 0, got tau={self.tau}, dt={self.dt}")
        neurons.voltage = _initial(self, neurons, "v_init", self.rest)
        neurons.spike = spike_vector(neurons)
        neurons.refractory_left = neurons.vector("zeros")
        neurons.I = neurons.vector("zeros")

    def forward(self, neurons):
        v, current, spike = neurons.voltage, neurons.I, neurons.spike
        decay = math.exp(-self.dt / self.tau)
        gain = 1.0 - decay
        v.mul_(decay).add_(current, alpha=self.R * gain)
        v.add_(self.rest * gain)
        current.zero_()
        if self.refractory > 0.0:
            left = neurons.refractory_left
            v.masked_fill_(left > 0.5 * self.dt, self.reset)
            left.sub_(self.dt).clamp_(min=0.0)
            torch.ge(v, self.threshold, out=spike)
            left.masked_fill_(spike, self.refractory)
        else:
            torch.ge(v, self.threshold, out=spike)
        v.masked_fill_(spike, self.reset)


#: Izhikevich (2003) parameters (a, b, c, d) of cortical firing patterns.
IZHIKEVICH_PRESETS = {
    "RS": (0.02, 0.2, -65.0, 8.0),    # regular spiking: adapting excitatory neuron
    "IB": (0.02, 0.2, -55.0, 4.0),    # intrinsically bursting: a burst, then regular spikes
    "CH": (0.02, 0.2, -50.0, 2.0),    # chattering: repeated fast bursts
    "FS": (0.1, 0.2, -65.0, 2.0),     # fast spiking: inhibitory interneuron, no adaptation
    "LTS": (0.02, 0.25, -65.0, 2.0),  # low-threshold spiking
    "TC": (0.02, 0.25, -65.0, 0.05),  # thalamo-cortical
    "RZ": (0.1, 0.26, -65.0, 2.0),    # resonator
}


class Izhikevich(Behavior):
    r"""Izhikevich (2003) neurons.

    Equations (v in mV, t in ms; forward Euler, v in ``substeps`` half-steps as in the paper)::

        dv/dt = 0.04 v^2 + 5 v + 140 - u + I
        du/dt = a (b v - u)
        spike = v >= peak;   then v = c, u = u + d

    Parameters
    ----------
    preset : "RS", "IB", "CH", "FS", "LTS", "TC" or "RZ" (see ``IZHIKEVICH_PRESETS``; default "RS").
    a, b, c, d : float, override the preset's values.
    peak : float, spike cut-off in mV (30.0).
    dt : float, step in ms (1.0); substeps : int, Euler sub-steps of v per step (2).
    v_init : initial voltage (default ``c``); ``u`` starts at ``b * v``.

    The group gets ``voltage``, ``u`` (recovery), ``spike`` (bool) and ``I`` (zeroed after use).

    Example
    -------
    >>> ng = NeuronGroup(10, net, behavior={1: CurrentInput(current=10.0), 2: Izhikevich(preset="FS")})
    """

    parameter_ranges = {
        "a": (0.0, 0.2, 0.001), "b": (0.0, 0.4, 0.001), "c": (-80.0, -40.0, 0.1), "d": (0.0, 10.0, 0.01),
        "peak": (0.0, 50.0, 0.1), "dt": (0.01, 2.0, 0.01), "substeps": (1, 10, 1),
    }
    units = {"c": "mV", "peak": "mV", "dt": "ms", "voltage": "mV"}

    def initialize(self, neurons):
        super().initialize(neurons)
        preset = self.parameter("preset", "RS")
        if preset not in IZHIKEVICH_PRESETS:
            raise ArgumentError(f"Izhikevich.preset: must be one of {', '.join(IZHIKEVICH_PRESETS)}, got "
                                f"{preset!r}{close_matches(preset, IZHIKEVICH_PRESETS)}")
        self.preset = preset
        a, b, c, d = IZHIKEVICH_PRESETS[preset]
        self.a = float(self.parameter("a", a))
        self.b = float(self.parameter("b", b))
        self.c = float(self.parameter("c", c))
        self.d = float(self.parameter("d", d))
        self.peak = float(self.parameter("peak", 30.0))
        self.dt = float(self.parameter("dt", 1.0))
        self.substeps = int(self.parameter("substeps", 2))
        if self.substeps < 1 or self.dt <= 0:
            raise ArgumentError(f"Izhikevich: substeps must be >= 1 and dt > 0, got {self.substeps}, {self.dt}")
        neurons.voltage = _initial(self, neurons, "v_init", self.c)
        neurons.u = neurons.voltage * self.b
        neurons.spike = spike_vector(neurons)
        neurons.I = neurons.vector("zeros")

    def forward(self, neurons):
        v, u, current = neurons.voltage, neurons.u, neurons.I
        h = self.dt / self.substeps
        for _ in range(self.substeps):
            # v += h * (0.04 v^2 + 5 v + 140 - u + I), written as v += h * ((0.04 v + 5) v + 140 - u + I)
            drive = torch.addcmul(current - u, v, v * 0.04 + 5.0).add_(140.0)
            v.add_(drive, alpha=h)
        u.add_(torch.sub(v * self.b, u), alpha=self.a * self.dt)
        current.zero_()
        torch.ge(v, self.peak, out=neurons.spike)
        v.masked_fill_(neurons.spike, self.c)
        u.add_(neurons.spike, alpha=self.d)
