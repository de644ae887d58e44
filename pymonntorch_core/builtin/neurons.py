"""Built-in neuron models: leaky integrate-and-fire (``LIF``) and ``Izhikevich``.

Both read the group's input current ``I`` once per iteration and then zero it (see
``pymonntorch_core.builtin._current``: inputs and synapses add into ``I``), and write the group's
``voltage`` (float) and ``spike`` (bool) vectors in place. Time is in ms; ``dt`` is the step and
must match the ``dt`` of the group's inputs and synapses. ``I`` is a current held constant over
the step: a synapse or input that delivers a charge ``q`` in one step adds ``q / dt`` to it.
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
    r"""Leaky integrate-and-fire neurons, integrated exactly, with spike times inside the step.

    Equations (v in mV, t in ms, ``I`` held constant over a step)::

        tau dv/dt = -(v - rest) + R I,          v_inf = rest + R I
        v(t + s) = v_inf + (v(t) - v_inf) exp(-s / tau)
        spike when v reaches threshold at s* in (0, dt]; then v = reset, held there for
        ``refractory`` ms, and the rest of the step is integrated from reset.

    The crossing time is exact (``exp(-(dt - s*) / tau) = (v(t + dt) - v_inf) / (threshold - v_inf)``
    with the unreset end-of-step voltage), so the firing rate under a constant current equals the
    analytic ``1 / (refractory + tau ln((v_inf - reset) / (v_inf - threshold)))`` at any ``dt``,
    as long as it is below one spike per step (``spike`` is one bool per step).
    A charge ``q`` (current x ms) delivered in one step moves v by ``R q (1 - exp(-dt/tau)) / dt``,
    which tends to ``R q / tau`` mV as ``dt -> 0`` (4.8 % less at ``dt = tau / 10``).

    Parameters
    ----------
    tau : float, membrane time constant in ms (10.0).
    rest, threshold, reset : float, potentials in mV (-65.0, -50.0, rest).
    R : float, membrane resistance: mV of steady-state depolarisation per unit of current (1.0).
    refractory : float, refractory period in ms (0.0: none).
    dt : float, step in ms (1.0).
    v_init : initial voltage: a number, a mode string such as "uniform(-65, -50)", or a tensor
        (default: ``rest``).

    The group gets ``voltage`` (mV), ``spike`` (bool), ``I`` (zeroed after each use) and
    ``refractory_left`` (ms of refractory period left).

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
        v, spike = neurons.voltage, neurons.spike
        v_inf = neurons.I if self.R == 1.0 else neurons.I.mul_(self.R)
        v_inf.add_(self.rest)  # I becomes v_inf = rest + R I (zeroed below)
        step_decay = math.exp(-self.dt / self.tau)
        refractory = self.refractory > 0.0
        if refractory:  # held at reset for the first min(left, dt) ms, integrating only the rest
            left = neurons.refractory_left
            v.masked_fill_(left > 0.0, self.reset)
            gain = left.clamp(max=self.dt).mul_(1.0 / self.tau).exp_().mul_(-step_decay).add_(1.0)
            v.lerp_(v_inf, gain)  # v(t + dt) = v_inf + (v - v_inf) decay
        else:
            v.lerp_(v_inf, 1.0 - step_decay)
        deviation, gap = torch.sub(v, v_inf), torch.rsub(v_inf, self.threshold)
        torch.ge(deviation, gap, out=spike)  # v(t + dt) >= threshold
        # exp(-(ms since the crossing) / tau) = (v(t + dt) - v_inf) / (threshold - v_inf), clamped into the
        # step; NaN only at v_inf == threshold == v(t + dt)
        after = deviation.div_(gap).clamp_(step_decay, 1.0).nan_to_num_(nan=1.0)
        if refractory:  # released refractory ms after the crossing: v_inf + (reset - v_inf) min(1, after e^(ref/tau))
            after.mul_(math.exp(self.refractory / self.tau))  # > 1: still refractory at the step's end
            still = torch.log(after).mul_(self.tau).clamp_(min=0.0)
            torch.where(spike, still, left.sub_(self.dt).clamp_(min=0.0), out=left)
            reset = torch.lerp(v_inf, torch.full_like(v, self.reset), after.clamp_(max=1.0))
            torch.where(spike, reset, v, out=v)
        else:  # after the crossing: v_inf + (reset - v_inf) after = v(t + dt) + (reset - threshold) after
            v.addcmul_(after, spike, value=self.reset - self.threshold)
        v_inf.zero_()


#: Izhikevich (2003) parameters (a, b, c, d) of cortical firing patterns.
IZHIKEVICH_PRESETS = {
    "RS": (0.02, 0.2, -65.0, 8.0),    # regular spiking: adapting excitatory neuron
    "IB": (0.02, 0.2, -55.0, 4.0),    # intrinsically bursting: a burst, then regular spikes
    "CH": (0.02, 0.2, -50.0, 2.0),    # chattering: repeated fast bursts
    "FS": (0.1, 0.2, -65.0, 2.0),     # fast spiking: inhibitory interneuron
    "LTS": (0.02, 0.25, -65.0, 2.0),  # low-threshold spiking
    "TC": (0.02, 0.25, -65.0, 0.05),  # thalamo-cortical
    "RZ": (0.1, 0.26, -65.0, 2.0),    # resonator
}

#: The longest Euler sub-step (ms) the default ``substeps`` allows: spike counts of every preset
#: then stay within 10 % of a 0.01 ms reference (300 ms at I = 5, 10 and 15).
IZHIKEVICH_MAX_SUBSTEP = 0.1


class Izhikevich(Behavior):
    r"""Izhikevich (2003) neurons.

    Equations (v in mV, t in ms, ``I`` in mV/ms, held constant over a step)::

        dv/dt = 0.04 v^2 + 5 v + 140 - u + I
        du/dt = a (b v - u)
        spike = v >= peak;   then v = c, u = u + d

    Discretisation: forward Euler of ``v`` and ``u`` together in ``substeps`` sub-steps per step,
    with the peak test and reset after every sub-step, so ``u`` never sees the overshoot of the
    quadratic upstroke. ``spike`` is True if the neuron fired in any sub-step. The default sub-step
    is at most 0.1 ms (``substeps = ceil(dt / 0.1)``: 10 at ``dt = 1``).

    Parameters
    ----------
    preset : "RS", "IB", "CH", "FS", "LTS", "TC" or "RZ" (see ``IZHIKEVICH_PRESETS``; default "RS").
    a, b, c, d : float, override the preset's values.
    peak : float, spike cut-off in mV (30.0).
    dt : float, step in ms (1.0); substeps : int, Euler sub-steps per step (see above).
    v_init : initial voltage (default ``c``); ``u`` starts at ``b * v``.

    The group gets ``voltage``, ``u`` (recovery), ``spike`` (bool) and ``I`` (zeroed after use).

    Example
    -------
    >>> ng = NeuronGroup(10, net, behavior={1: CurrentInput(current=10.0), 2: Izhikevich(preset="FS")})
    """

    parameter_ranges = {
        "a": (0.0, 0.2, 0.001), "b": (0.0, 0.4, 0.001), "c": (-80.0, -40.0, 0.1), "d": (0.0, 10.0, 0.01),
        "peak": (0.0, 50.0, 0.1), "dt": (0.01, 2.0, 0.01), "substeps": (1, 100, 1),
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
        if self.dt <= 0:
            raise ArgumentError(f"Izhikevich.dt: must be > 0 ms, got {self.dt}")
        self.substeps = int(self.parameter("substeps", max(1, math.ceil(self.dt / IZHIKEVICH_MAX_SUBSTEP - 1e-9))))
        if self.substeps < 1:
            raise ArgumentError(f"Izhikevich.substeps: must be an int >= 1, got {self.substeps}")
        neurons.voltage = _initial(self, neurons, "v_init", self.c)
        neurons.u = neurons.voltage * self.b
        neurons.spike = spike_vector(neurons)
        neurons.I = neurons.vector("zeros")
        self._fired = spike_vector(neurons)

    def forward(self, neurons):
        v, u, current, spike, fired = neurons.voltage, neurons.u, neurons.I, neurons.spike, self._fired
        h = self.dt / self.substeps
        spike.zero_()
        for _ in range(self.substeps):
            # dv = (0.04 v + 5) v + 140 - u + I and du = a (b v - u), both from the values before the sub-step
            drive = torch.addcmul(current - u, v, v * 0.04 + 5.0).add_(140.0)
            u.add_(torch.sub(v * self.b, u), alpha=self.a * h)
            v.add_(drive, alpha=h)
            torch.ge(v, self.peak, out=fired)
            v.masked_fill_(fired, self.c)
            u.add_(fired, alpha=self.d)
            spike.logical_or_(fired)
        current.zero_()
