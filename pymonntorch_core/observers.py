"""Observers: outside viewers (a dashboard, a probe) that record a group's variables during a run.

An observer is not a behavior: it lives in ``net.observers``, not in any object's ``behavior`` dict,
so tag lookups (``net['voltage']``), ``repr`` and snapshots never see it, and it can be added or
removed at any time without ``initialize``. It records only the channels it was asked for, each into
a ring of the last ``length`` samples on the object's device: a whole variable, chosen neurons
(selected on the device), or the mean. Reading copies only what is new to the host.

Example
-------
>>> observer = net.add_observer(ng, length=500)
>>> observer.watch("v", "voltage", neurons=[0, 7])     # two neurons, selected on the device
>>> observer.watch("v_mean", "voltage", reduce="mean")
>>> net.simulate_iterations(100, measure_block_time=False)
>>> iterations, values = observer.read("v")             # (100,) int64 and a (100, 2) tensor
>>> net.remove_observer(observer)
"""
import math
import numbers

import numpy as np
import torch

from .errors import ArgumentError, bad_argument

__all__ = ["Observer"]


class _Channel:
    """One recorded quantity: a ring of samples on the device and their iterations on the host."""

    __slots__ = ("variable", "neurons", "reduce", "dtype", "ring", "iterations", "count", "length")

    def __init__(self, variable, neurons, reduce, length, dtype=None):
        self.variable, self.neurons, self.reduce, self.length, self.dtype = variable, neurons, reduce, length, dtype
        self.ring = None
        self.iterations = np.zeros(length, np.int64)
        self.count = 0

    def record(self, value, iteration):
        slot = self.count % self.length
        if self.ring is None:
            self.ring = self._allocate(value)
        target = self.ring[slot]
        if self.neurons is not None:
            if value.dtype == target.dtype:
                torch.index_select(value, 0, self.neurons, out=target)
            else:
                target.copy_(value.index_select(0, self.neurons))
        elif self.reduce == "mean":
            if value.dtype == target.dtype:
                torch.mean(value, 0, out=target)
            else:
                target.copy_(value.to(target.dtype).mean())
        else:
            target.copy_(value)
        self.iterations[slot] = iteration
        self.count += 1

    def _allocate(self, value):
        if self.reduce == "mean":
            shape, dtype = (), value.dtype if value.is_floating_point() else torch.float32
        elif self.neurons is not None:
            shape, dtype = (len(self.neurons), *value.shape[1:]), value.dtype
        else:
            shape, dtype = tuple(value.shape), value.dtype
        dtype = self.dtype or dtype
        return torch.zeros((self.length, *shape), dtype=dtype, device=value.device)

    def positions(self, start):
        """Sample numbers ``start..count`` that are still kept, as ring slots (oldest first)."""
        first = max(start, self.count - self.length, 0)
        return np.arange(first, self.count) % self.length

    def clear(self):
        self.count = 0


class Observer:
    """Records channels of ``target`` (a NeuronGroup, SynapseGroup or the Network) after the
    behaviors at ``key`` and before later keys run (default: after every behavior).

    Made by ``Network.add_observer``; see the module docstring.
    """

    behavior_enabled = True   # the run loop treats it like an enabled behavior

    def __init__(self, target, length, key=None):
        if isinstance(length, bool) or not isinstance(length, numbers.Integral) or length < 1:
            raise bad_argument("Observer", "length", "an int >= 1 (samples kept per channel)", length)
        if key is not None and (isinstance(key, bool) or not isinstance(key, numbers.Real)):
            raise bad_argument("Observer", "key", "None or a number (the behavior key to record after)", key)
        self.target = target
        self.length = int(length)
        self.key = math.inf if key is None else key
        self.channels = {}

    # --- what to record ---------------------------------------------------------------------
    def watch(self, name, variable, neurons=None, reduce=None, dtype=None):
        """Record ``variable`` of the target under ``name``: whole, at ``neurons`` (indices along the
        first axis) or reduced (``reduce="mean"``), as ``dtype`` (None: the variable's; ``torch.bool``
        keeps where it is non-zero, e.g. spikes of any dtype). Watching a name again keeps the samples
        of the neurons it had before (new neurons read NaN until they are recorded)."""
        if reduce not in (None, "mean"):
            raise bad_argument("Observer.watch", "reduce", "None or 'mean'", reduce)
        if neurons is not None:
            size = getattr(self.target, "size", None)
            neurons = [int(i) for i in neurons]
            if not neurons or (size is not None and not all(0 <= i < size for i in neurons)):
                raise ArgumentError(f"Observer.watch.neurons: must be indices in [0, {size}), got {neurons!r}")
            neurons = torch.tensor(neurons, dtype=torch.long, device=self.target.device)
        fresh = _Channel(variable, neurons, reduce, self.length, dtype)
        old = self.channels.get(name)
        if (old is not None and old.ring is not None and old.variable == variable and old.reduce == reduce
                and old.dtype == dtype):
            _carry_over(old, fresh)
        self.channels[name] = fresh
        return self

    def unwatch(self, name):
        self.channels.pop(name, None)

    def resize(self, length):
        """Keep ``length`` samples per channel from now on (the newest ones are kept)."""
        if length == self.length:
            return
        self.length = int(length)
        for name, old in list(self.channels.items()):
            fresh = _Channel(old.variable, old.neurons, old.reduce, self.length, old.dtype)
            if old.ring is not None:
                _carry_over(old, fresh)
            self.channels[name] = fresh

    def clear(self):
        """Forget every sample (e.g. after the network was reset)."""
        for channel in self.channels.values():
            channel.clear()

    # --- recording (called by the run loop) ---------------------------------------------------
    def forward(self, target):
        state = vars(target)
        iteration = target.network._iteration
        for channel in self.channels.values():
            value = state.get(channel.variable)
            if value is not None:
                channel.record(value, iteration)

    # --- reading ----------------------------------------------------------------------------
    def count(self, name):
        """Samples recorded in channel ``name`` so far (also those no longer kept)."""
        return self.channels[name].count

    def read(self, name, start=0):
        """``(iterations, values)`` of the samples numbered ``start`` and later that are still kept:
        an int64 numpy array and a tensor on the device (oldest first)."""
        channel = self.channels[name]
        slots = channel.positions(start)
        if channel.ring is None or not len(slots):
            return np.empty(0, np.int64), None
        index = torch.from_numpy(slots).to(channel.ring.device)
        return channel.iterations[slots], channel.ring.index_select(0, index)

    def __repr__(self):
        return f"Observer({self.target._label()}, length={self.length}, channels={list(self.channels)})"


def _carry_over(old, fresh):
    """Copy the kept samples of ``old`` into ``fresh`` (matching neurons; NaN for new ones)."""
    slots = old.positions(0)[-fresh.length:]
    if not len(slots):
        return
    index = torch.from_numpy(slots).to(old.ring.device)
    samples = old.ring.index_select(0, index)
    if fresh.neurons is not None and old.neurons is not None:
        before = old.neurons.tolist()
        shape = (len(slots), len(fresh.neurons), *samples.shape[2:])
        if not samples.is_floating_point():
            return
        moved = torch.full(shape, math.nan, dtype=samples.dtype, device=samples.device)
        for column, neuron in enumerate(fresh.neurons.tolist()):
            if neuron in before:
                moved[:, column] = samples[:, before.index(neuron)]
        samples = moved
    elif (fresh.neurons is None) != (old.neurons is None):
        return
    fresh.ring = torch.zeros((fresh.length, *samples.shape[1:]), dtype=samples.dtype, device=samples.device)
    fresh.ring[:len(slots)] = samples
    fresh.iterations[:len(slots)] = old.iterations[slots]
    fresh.count = len(slots)
