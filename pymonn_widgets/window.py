"""PlotWindow: what the dashboard's plots show, recorded by one core observer on the plotted group.

Only what is displayed is recorded, in rings as long as the time window: the spike vector (held under
``SPIKE_BYTES``) and the plotted variable, whole while its ring fits in ``WHOLE_BYTES`` (one cheap copy
an iteration; the chosen neurons and the mean are then taken on the device when a frame is built),
else only the chosen neurons (selected on the device) and the mean. The user's recorders are never
touched or read. ``frame()`` builds what is new since the last frame as binary arrays (a whole window
when ``key=True``).
"""
from __future__ import annotations

import numpy as np
import torch

from pymonntorch_core.events import nonzero_rows
from pymonntorch_core.units import time_step, unit_of

__all__ = ["PlotWindow", "continuous_variables", "spike_variables", "find_threshold", "encode_frame"]

_COORDINATES = frozenset({"x", "y", "z", "id"})
_SPIKE_NAMES = ("spike", "spikes", "fired", "firing", "spk")
_BINARY = (torch.bool, torch.uint8, torch.int8)
MEMBRANE_NAMES = ("voltage", "v", "V", "membrane", "potential")  # plotted first when present
SPIKE_BYTES = 64 * 2**20     # most memory the spike ring of one group may take
WHOLE_BYTES = 16 * 2**20     # a variable ring up to this size keeps whole vectors (one copy per iteration);
                             # a larger one keeps only the chosen neurons and the mean


def _vector_of(ng, name, dtypes=None):
    value = vars(ng).get(name)
    if not isinstance(value, torch.Tensor) or value.shape != (ng.size,):
        return False
    return value.is_floating_point() if dtypes is None else value.dtype in dtypes


def continuous_variables(ng) -> list[str]:
    """Float state vectors of ``ng`` (one value per neuron), in the order they were created."""
    return [n for n in vars(ng) if not n.startswith("_") and n not in _COORDINATES and _vector_of(ng, n)]


def spike_variables(ng) -> list[str]:
    """Binary state vectors of ``ng`` that look like spikes."""
    return [n for n in vars(ng) if not n.startswith("_") and n not in _COORDINATES and _vector_of(ng, n, _BINARY)]


def find_threshold(group):
    """``(key, behavior)`` of the first behavior of ``group`` (key order) with a ``threshold``, or None."""
    for key, behavior in sorted(getattr(group, "behavior", {}).items()):
        if any(p.name == "threshold" for p in behavior.tunable_parameters()):
            return key, behavior
    return None


def choose_variables(ng, variable=None, spike=None):
    """The plotted ``(variable, spike)`` of ``ng``: a membrane-like float vector, and a spike vector."""
    if variable is None:
        candidates = continuous_variables(ng)
        variable = next((n for n in MEMBRANE_NAMES if n in candidates), None) or next(iter(candidates), None)
    if spike is None:
        spike = next((n for n in _SPIKE_NAMES if n in spike_variables(ng)), None) or \
            next(iter(spike_variables(ng)), None) or next((n for n in _SPIKE_NAMES if n in vars(ng)), "spike")
    return variable, spike


def encode_frame(t, values, spikes):
    """The binary buffers of a frame: iterations int32, values float32 (k + 1, m), spikes int32 (t, i)."""
    return [np.ascontiguousarray(t, "<i4").tobytes(), np.ascontiguousarray(values, "<f4").tobytes(),
            np.ascontiguousarray(spikes, "<i4").tobytes()]


class PlotWindow:
    """The last ``window`` iterations of one NeuronGroup, as the plots show them."""

    def __init__(self, net, group, neurons, window, variable=None, spike=None, dt=None, unit=None):
        self.net, self.group = net, group
        self.variable, self.spike = choose_variables(group, variable, spike)
        self.dt = dt or time_step(net)
        self.unit = unit or (unit_of(group, self.variable) if self.variable else None)
        self.window = int(window)
        self.observer = net.add_observer(group, length=self._length())
        self.neurons = []
        self.set_neurons(neurons)
        if self.spike is not None:
            self.observer.watch("spike", self.spike, dtype=torch.bool)   # bool: the fast search for spikes
        self.sent = {}    # per channel: the sample count already sent

    def _length(self):
        per_iteration = max(1, self.group.size)
        return max(2, min(self.window, SPIKE_BYTES // per_iteration))

    def close(self):
        self.net.remove_observer(self.observer)

    # --- what is recorded -------------------------------------------------------------------
    def _whole(self):
        value = vars(self.group).get(self.variable)
        size = value.element_size() if isinstance(value, torch.Tensor) else 4
        return self.group.size * self.window * size <= WHOLE_BYTES

    def set_neurons(self, neurons):
        self.neurons = list(neurons)
        if self.variable is None:
            return
        if self._whole():
            for name in ("trace", "mean"):
                self.observer.unwatch(name)
            if "values" not in self.observer.channels:
                self.observer.watch("values", self.variable)
            return
        self.observer.unwatch("values")
        if self.neurons:
            self.observer.watch("trace", self.variable, neurons=self.neurons)
        else:
            self.observer.unwatch("trace")
        if "mean" not in self.observer.channels:
            self.observer.watch("mean", self.variable, reduce="mean")

    def set_window(self, window):
        self.window = int(window)
        self.observer.resize(max(self._length(), 2))
        self.set_neurons(self.neurons)

    def clear(self):
        self.observer.clear()
        self.sent = {}

    # --- frames -----------------------------------------------------------------------------
    def _since(self, name, key):
        channel = self.observer.channels.get(name)
        if channel is None:
            return 0
        first = channel.count - self.window
        return max(first, 0) if key else max(first, self.sent.get(name, 0))

    def samples(self, key=False):
        """``(iterations (m,), values float32 (k + 1, m))``: the chosen neurons then the mean."""
        if "values" in self.observer.channels:
            t, values = self.observer.read("values", self._since("values", key))
            self.sent["values"] = self.observer.count("values")
            if values is None:
                return t, np.empty((len(self.neurons) + 1, 0), np.float32)
            values = values.reshape(values.shape[0], -1)
            columns = torch.tensor(self.neurons, dtype=torch.long, device=values.device)
            rows = torch.cat((values.index_select(1, columns).T, values.mean(dim=1, keepdim=True).T))
            return t, rows.to(torch.float32).cpu().numpy()
        if "mean" not in self.observer.channels:
            return np.empty(0, np.int64), np.empty((len(self.neurons) + 1, 0), np.float32)
        start = self._since("mean", key)
        t, mean = self.observer.read("mean", start)
        rows = [] if mean is None else [mean.reshape(1, -1)]
        if mean is not None and "trace" in self.observer.channels:
            shift = self.observer.count("trace") - self.observer.count("mean")
            t_trace, trace = self.observer.read("trace", max(start + shift, 0))
            if trace is not None and len(t_trace) == len(t):
                rows.insert(0, trace.reshape(trace.shape[0], -1).T)
            elif rows:
                rows.insert(0, torch.full((len(self.neurons), len(t)), float("nan"), device=mean.device))
        self.sent["mean"] = self.observer.count("mean")
        if not rows:
            return t, np.empty((len(self.neurons) + 1, 0), np.float32)
        return t, torch.cat(rows).to(torch.float32).cpu().numpy()

    def spikes(self, key=False):
        """``(k, 2)`` int32 rows ``(t, i)`` of the spikes new since the last frame (found on the device)."""
        if "spike" not in self.observer.channels:
            return np.empty((0, 2), np.int32)
        t, samples = self.observer.read("spike", self._since("spike", key))
        self.sent["spike"] = self.observer.count("spike")
        if samples is None:
            return np.empty((0, 2), np.int32)
        found = nonzero_rows(samples.reshape(samples.shape[0], -1)).cpu().numpy()   # (sample, neuron) rows
        return np.stack((t[found[:, 0]], found[:, 1]), axis=1).astype(np.int32)

    def frame(self, key=False, advance=True):
        """``(header, buffers)`` of the next frame; ``key``: the whole window, replacing the page's.
        ``advance=False`` leaves what counts as sent alone (a copy of the window for saving)."""
        saved = dict(self.sent)
        if key:
            self.sent = {}
        t, values = self.samples(key)
        spikes = self.spikes(key)
        if not advance:
            self.sent = saved
        found = find_threshold(self.group)
        header = {
            "type": "frame", "key": bool(key), "now": int(self.net.iteration), "window": self.window,
            "neurons": int(self.group.size), "traces": [int(i) for i in self.neurons],
            "samples": int(len(t)), "spikes": int(len(spikes)),
            "threshold": None if found is None else float(found[1].threshold),
        }
        return header, encode_frame(t, values, spikes)

    def data(self):
        """Everything in the window as numpy arrays (for figures and export)."""
        saved = dict(self.sent)
        t, values = self.samples(key=True)
        spikes = self.spikes(key=True)
        self.sent = saved
        return {"iterations": t, "traces": values[:-1], "mean": values[-1], "neurons": list(self.neurons),
                "spikes": spikes}
