"""Where the dashboard's plots get their data: the user's recorders, or bounded ones of its own.

The dashboard never changes the user's recorders. When a group has no recorder for the plotted
variable, it attaches a ``DashboardRecorder`` (the variable) and a ``DashboardSpikeRecorder`` (the
spike vector; spikes are found when a frame reads them), ring buffers bounded by ``max_length`` and
``SAMPLE_BYTES``, under keys after every user key. They are invisible to tag lookups, so
``net['voltage', 0]`` keeps returning the user's recorders only.

Cursors read only what is new since their last read, so each frame sends new samples only.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import torch

from pymonntorch_core import EventRecorder, Recorder

__all__ = [
    "DashboardRecorder", "DashboardEventRecorder", "DashboardSpikeRecorder", "GroupSources", "SampleCursor",
    "EventCursor", "SpikeSampleCursor", "event_cursor",
    "find_sources", "continuous_variables", "spike_variables",
]

_COORDINATES = frozenset({"x", "y", "z", "id"})
SAMPLE_BYTES = 64 * 2**20   # most memory a dashboard sample ring may take per group (max_samples permitting)
_SPIKE_NAMES = ("spike", "spikes", "fired", "firing", "spk")
_BINARY = (torch.bool, torch.uint8, torch.int8)


class DashboardRecorder(Recorder):
    """A bounded Recorder owned by the dashboard: tag lookups never find it."""

    def find_objects(self, key):
        return []

    def search(self, key):
        return []


class DashboardSpikeRecorder(DashboardRecorder):
    """The dashboard's spike recorder: a bounded ring of the spike vector itself (one sample per
    iteration), turned into ``(t, i)`` events only when a frame reads it. Copying the vector costs
    much less per iteration than finding the spikes (``nonzero``) every iteration, as an
    EventRecorder does. Records nothing while the variable is missing (it usually appears in the
    first ``forward``, and a snapshot restore removes it again)."""

    def forward(self, obj):
        if all(name in vars(obj) for name in self.names):
            super().forward(obj)


class DashboardEventRecorder(EventRecorder):
    """A bounded EventRecorder owned by the dashboard; records nothing while its variable is missing.

    A spike variable is usually created by the first ``forward`` (not by ``initialize``), and a
    snapshot restore removes it again, so a missing variable is not an error here.
    """

    def forward(self, obj):
        if all(name in vars(obj) for name in self.names):
            super().forward(obj)

    def find_objects(self, key):
        return []

    def search(self, key):
        return []


def is_dashboard_behavior(behavior) -> bool:
    return isinstance(behavior, (DashboardRecorder, DashboardEventRecorder))


def _sample_length(ng, name, max_samples, dtype_size=None):
    value = vars(ng).get(name)
    if isinstance(value, torch.Tensor):
        per_sample = value.numel() * value.element_size()
    else:
        per_sample = ng.size * (dtype_size or 1)
    return min(max_samples, max(50, SAMPLE_BYTES // max(per_sample, 1)))   # rings are allocated up front


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


@dataclasses.dataclass
class GroupSources:
    """The recorders the dashboard reads for one NeuronGroup (``None`` where nothing is recorded)."""

    group: object
    variable: str | None
    sampler: Recorder | None
    spike: str | None
    events: Recorder | None      # an EventRecorder, or the dashboard's DashboardSpikeRecorder (samples)

    @property
    def owned(self) -> list:
        return [r for r in (self.sampler, self.events) if r is not None and is_dashboard_behavior(r)]


MEMBRANE_NAMES = ("voltage", "v", "V", "membrane", "potential")  # plotted first when present


def _user_recorders(ng, kind):
    return [b for _, b in sorted(ng.behavior.items()) if isinstance(b, kind) and not is_dashboard_behavior(b)]


def _next_key(net):
    keys = [k for k, _, _ in net.sorted_behavior_execution_list]
    return max(keys, default=0) + 1


def find_sources(ng, variable=None, spike=None, max_samples=2000) -> GroupSources:
    """The recorders for ``ng``'s voltage-like ``variable`` and ``spike`` events; attaches bounded
    dashboard recorders for whatever the user does not record (samples: at most ``max_samples`` and
    ``SAMPLE_BYTES``; e.g. 167 samples of 100,000 float32 neurons)."""
    samplers = [r for r in _user_recorders(ng, Recorder) if not isinstance(r, EventRecorder)]
    event_recorders = _user_recorders(ng, EventRecorder)
    if variable is None:
        recorded = [n for r in samplers for n in r.names if _vector_of(ng, n)]
        candidates = continuous_variables(ng)
        preferred = [n for n in MEMBRANE_NAMES if n in recorded or n in candidates]
        variable = next(iter(preferred + recorded + list(candidates)), None)
    sampler = next((r for r in samplers if variable in r.names), None)
    if variable is not None and sampler is None:
        sampler = next((b for b in ng.behavior.values() if type(b) is DashboardRecorder and variable in b.names),
                       None)
    if variable is not None and sampler is None:
        length = _sample_length(ng, variable, max_samples)
        sampler = DashboardRecorder([variable], max_length=length, tag="_pymonn_dashboard_samples")
        ng.add_behavior(_next_key(ng.network), sampler)
    if spike is None:
        recorded = [n for r in event_recorders for n in r.names]
        found = spike_variables(ng)
        spike = next(iter(recorded), None) or next(iter(found), None) or \
            next((n for n in _SPIKE_NAMES if n in vars(ng)), _SPIKE_NAMES[0])
    events = next((r for r in event_recorders if spike in r.names), None) or \
        next((b for b in ng.behavior.values() if isinstance(b, (DashboardSpikeRecorder, DashboardEventRecorder))
              and spike in b.names), None)
    if events is None:
        length = _sample_length(ng, spike, max_samples)
        events = DashboardSpikeRecorder([spike], max_length=length, tag="_pymonn_dashboard_spikes")
        ng.add_behavior(_next_key(ng.network), events)
    return GroupSources(ng, variable, sampler, spike, events)


class SampleCursor:
    """Reads the samples of one recorded variable that are new since the last read."""

    def __init__(self, recorder: Recorder, name: str):
        self.recorder, self.name = recorder, name
        self.position = 0

    def skip_to_end(self):
        self.position = self.recorder.count

    def read(self, columns=None):
        """``(iterations int64 (k,), values float32 (k, n))`` new since the last read.

        ``columns`` picks neurons (a list of indices); the group mean is taken by the caller.
        """
        count = self.recorder.count
        if count <= self.position:
            return np.empty(0, np.int64), None
        values = self.recorder.read(self.name, self.position)
        iterations = self.recorder.iterations(self.position)
        self.position = count
        values = values.detach().reshape(values.shape[0], -1)
        return iterations.numpy(), values.to(torch.float32).cpu().numpy()


def event_cursor(recorder, name):
    """The cursor reading ``(t, i)`` spikes from an EventRecorder or a DashboardSpikeRecorder."""
    return SpikeSampleCursor(recorder, name) if isinstance(recorder, DashboardSpikeRecorder) else \
        EventCursor(recorder, name)


class EventCursor:
    """Reads the ``(t, i)`` event rows that are new since the last read, as int32."""

    def __init__(self, recorder: EventRecorder, name: str):
        self.recorder, self.name = recorder, name
        self.position = 0

    def read_all(self) -> np.ndarray:
        """Every kept event, as int32 rows (the cursor does not move)."""
        return self.recorder.read(self.name)[:, :2].to(torch.int32).cpu().numpy()

    def skip_to_end(self):
        self.position = self.recorder.event_count(self.name)

    def read(self) -> np.ndarray:
        count = self.recorder.event_count(self.name)
        if count <= self.position:
            return np.empty((0, 2), np.int32)
        rows = self.recorder.read(self.name, self.position)
        self.position = count
        return rows[:, :2].to(torch.int32).cpu().numpy()


class SpikeSampleCursor:
    """Reads new spikes from a ring of spike vectors: ``(t, i)`` int32 rows, found at read time."""

    def __init__(self, recorder: Recorder, name: str):
        self.recorder, self.name = recorder, name
        self.position = 0

    def skip_to_end(self):
        self.position = self.recorder.count

    def _rows(self, start):
        samples = self.recorder.read(self.name, start)
        if samples.numel() == 0:
            return np.empty((0, 2), np.int32)
        iterations = self.recorder.iterations(start).to(samples.device)
        found = torch.nonzero(samples.reshape(samples.shape[0], -1))
        rows = torch.stack((iterations[found[:, 0]], found[:, 1]), dim=1)
        return rows.to(torch.int32).cpu().numpy()

    def read(self) -> np.ndarray:
        count = self.recorder.count
        if count <= self.position:
            return np.empty((0, 2), np.int32)
        rows = self._rows(self.position)
        self.position = count
        return rows

    def read_all(self) -> np.ndarray:
        return self._rows(0)
