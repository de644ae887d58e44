"""The dashboard's controller: owns the Network and its run loop; plain Python, no widget imports.

Widgets send intents (``play``, ``pause``, ``set_parameter``, ``select_group``) and listen to events:

``"frame"``      new data may be drawn (at most ``frame_rate`` times a second during a run, and after
                 every step, run and reset);
``"state"``      running, error, rate or progress changed;
``"parameter"``  a parameter or behavior switch changed (``change``: a ``Change``);
``"selection"``  the selected group or neurons changed;
``"reset"``      the network went back to its starting snapshot.
"""
from __future__ import annotations

import asyncio
import logging
import math
import time
import traceback
from collections import defaultdict

import numpy as np
import torch

from pymonntorch_core import ArgumentError, StateError
from pymonntorch_core.checks import check_bool, check_index, check_int, check_number

from .changelog import Change, ChangeLog, object_path
from .sources import GroupSources, SampleCursor, event_cursor, find_sources, is_dashboard_behavior

__all__ = ["Controller"]

log = logging.getLogger(__name__)

_CHUNK_SECONDS = 0.01      # one chunk of iterations between two yields to the event loop
_YIELDS = 8                # loop turns given after each chunk: a comm message needs several to be handled
_MAX_CHUNK = 10_000
MAX_STEPS = 1_000_000          # most iterations one Step, run(n) or play(n) may ask for... per Step
MAX_RUN = 100_000_000          # ... and per run(n) / play(n)
MAX_SPEED = 1e9                # the highest speed limit (it/s)


class Controller:
    """Runs ``net`` for the dashboard: play/pause/step/run/reset, live parameters, selection.

    Parameters
    ----------
    net : Network
        An initialised network.
    variable, spike : str, optional
        The plotted continuous variable (default: the first recorded or created float vector, e.g.
        ``voltage``) and spike variable (default: the first recorded event or binary vector).
    max_samples : int
        Most samples the dashboard's own recorders keep (they are also held under ``SAMPLE_BYTES``
        each), where the user records nothing.
    frame_rate : float
        Most ``"frame"`` events per second during a run.
    threads : int or None
        Torch threads while the controller runs the network (restored after). Default 1: the kernel
        also serves the page, and on a small shared machine one thread measured several times faster
        than torch's default. None leaves torch's setting alone (e.g. for large CPU networks).

    Example
    -------
    >>> controller = Controller(net)
    >>> controller.run(100)          # blocking: for scripts and nbval
    >>> task = controller.play()     # in a notebook: returns at once, runs on the kernel's loop
    >>> controller.pause()
    """

    def __init__(self, net, *, variable=None, spike=None, max_samples=2000, frame_rate=30.0,
                 threads=1):
        if not getattr(net, "_initialized", False):
            raise ArgumentError("Controller.net: the network must be initialised (call net.initialize()) first",
                                owner="Controller", argument="net")
        self.net = net
        self.frame_rate = check_number("Controller", "frame_rate", frame_rate, min=0.1, max=1000)
        max_samples = check_int("Controller", "max_samples", max_samples, min=1)
        self.threads = None if threads is None else check_int("Controller", "threads", threads, min=1, max=1024)
        self.sources: dict[int, GroupSources] = {}
        for ng in net.NeuronGroups:
            self.sources[id(ng)] = find_sources(ng, variable, spike, max_samples)
        self._snapshot = net.snapshot()
        self.log = ChangeLog(net.iteration)
        self._steps_per_step = 1
        self._speed_limit: float | None = None
        self.error = ""
        self.exception: BaseException | None = None
        self.rate = 0.0
        self.progress: tuple[int, int] | None = None   # (done, total) of the current run(N)
        self.selected_group = net.NeuronGroups[0] if net.NeuronGroups else net
        self.plot_group = self.selected_group     # the NeuronGroup the plots show (last one selected)
        self.selected_neurons: list[int] = list(range(min(5, getattr(self.selected_group, "size", 0))))
        self._listeners = defaultdict(list)
        self._pacers = []
        self._task: asyncio.Task | None = None
        self._stop = False
        self._running = False
        self._last_frame = 0.0
        self._rate_mark = (time.perf_counter(), net.iteration)

    # --- settings (checked against the kernel's own bounds, whatever a page sends) -------------
    @property
    def steps_per_step(self) -> int:
        """Iterations one Step runs (1 to ``MAX_STEPS``)."""
        return self._steps_per_step

    @steps_per_step.setter
    def steps_per_step(self, value):
        self._steps_per_step = check_int("Controller", "steps_per_step", value, min=1, max=MAX_STEPS)

    @property
    def speed_limit(self) -> float | None:
        """Most iterations per second during a Play, or None (unlimited; 0 means the same)."""
        return self._speed_limit

    @speed_limit.setter
    def speed_limit(self, value):
        if value is not None:
            value = check_number("Controller", "speed_limit", value, min=0, max=MAX_SPEED) or None
        self._speed_limit = value

    # --- events ------------------------------------------------------------------------------
    def on(self, event: str, callback):
        """Call ``callback(**details)`` on ``event``; returns ``callback``."""
        self._listeners[event].append(callback)
        return callback

    def _emit(self, event, **details):
        for callback in list(self._listeners[event]):
            try:
                callback(**details)
            except Exception:  # a broken view must not stop the run
                log.exception("pymonn_widgets: %s listener failed", event)

    def add_pacer(self, ready):
        """Register ``ready()``: while it returns False, unforced frames are skipped (a view whose page
        is behind holds the frame rate down instead of letting messages queue up)."""
        self._pacers.append(ready)

    def frame(self, force=True):
        """Ask the views to draw what is new (throttled to ``frame_rate`` and paced by the views
        unless ``force``)."""
        now = time.perf_counter()
        if force or (now - self._last_frame >= 1.0 / self.frame_rate and all(p() for p in self._pacers)):
            self._last_frame = now
            self._update_rate(now)
            self._emit("state")     # first: the counter and buttons should not wait behind plot data
            self._emit("frame")

    def _update_rate(self, now):
        then, iteration = self._rate_mark
        if now - then >= 0.25:
            self.rate = (self.net.iteration - iteration) / (now - then)
            self._rate_mark = (now, self.net.iteration)

    # --- data --------------------------------------------------------------------------------
    def sources_of(self, group) -> GroupSources | None:
        return self.sources.get(id(group))

    def sample_cursor(self, group) -> SampleCursor | None:
        s = self.sources_of(group)
        return None if s is None or s.sampler is None else SampleCursor(s.sampler, s.variable)

    def event_cursor(self, group):
        s = self.sources_of(group)
        return None if s is None or s.events is None else event_cursor(s.events, s.spike)

    # --- running -----------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._running

    def _simulate(self, n):
        """Run ``n`` iterations; on an error pause, keep records and show the traceback. Returns ok."""
        threads = torch.get_num_threads() if self.threads else None
        try:
            if threads is not None:
                torch.set_num_threads(self.threads)
            self.net.simulate_iterations(n, measure_block_time=False)
            return True
        except Exception as error:  # behaviors may raise anything; the run pauses and shows it
            self.exception = error
            self.error = "".join(traceback.format_exception(error))
            self._stop = True
            self._emit("state")
            return False
        finally:
            if threads is not None:
                torch.set_num_threads(threads)

    def _clear_error(self):
        if self.error:
            self.error, self.exception = "", None
            self._emit("state")

    def run(self, n: int):
        """Run ``n`` iterations now, blocking; views update during the run. Re-raises a behavior error
        after pausing (state and records are kept; the next run continues the failed iteration)."""
        n = _positive("run", n, MAX_RUN)
        if self._running:
            raise StateError("Controller.run: a Play is going on; pause() first")
        self._clear_error()
        self._running, self._stop = True, False
        self.progress = (0, n)
        try:
            done, chunk = 0, 1
            while done < n and not self._stop:
                size = min(chunk, n - done)
                start = time.perf_counter()
                if not self._simulate(size):
                    break
                done += size
                chunk = _next_chunk(size, time.perf_counter() - start)
                self.progress = (done, n)
                self.frame(force=False)
        finally:
            self._running = False
            self.frame()
        if self.exception is not None:
            raise self.exception

    def step(self, n: int | None = None):
        """Pause, then run ``n`` (default ``steps_per_step``) iterations at once."""
        self.pause()
        n = self.steps_per_step if n is None else _positive("step", n, MAX_STEPS)
        self._clear_error()
        self._simulate(n)
        self.frame()

    def play(self, iterations: int | None = None) -> asyncio.Task | None:
        """Start running (``iterations`` of them, or until ``pause``) as an asyncio task on the running
        event loop (the kernel's) and return at once; the task yields after every chunk of ~10 ms."""
        if self._running:
            self._stop = False           # a Pause not yet taken effect is cancelled
            return self._task
        if iterations is not None:
            iterations = _positive("play", iterations, MAX_RUN, "iterations")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise StateError("Controller.play: needs a running asyncio event loop (a Jupyter kernel has one); "
                             "in scripts use run(n)") from None
        self._clear_error()
        self._running, self._stop = True, False
        self.progress = None if iterations is None else (0, iterations)
        self._rate_mark = (time.perf_counter(), self.net.iteration)
        self._emit("state")
        self._task = loop.create_task(self._play(iterations))
        return self._task

    async def _play(self, total):
        done, chunk = 0, 1
        started, start_iteration = time.perf_counter(), self.net.iteration
        try:
            while not self._stop and (total is None or done < total):
                size = chunk if total is None else min(chunk, total - done)
                limit = self.speed_limit
                if limit:
                    size = max(1, min(size, math.ceil(limit / self.frame_rate)))
                begin = time.perf_counter()
                if not self._simulate(size):
                    break
                done += size
                chunk = _next_chunk(size, time.perf_counter() - begin)
                if total is not None:
                    self.progress = (done, total)
                self.frame(force=False)
                delay = 0.0
                if limit:
                    delay = started + (self.net.iteration - start_iteration) / limit - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(min(delay, 1.0))
                for _ in range(_YIELDS):
                    await asyncio.sleep(0)
        finally:
            self._running = False
            self._task = None
            self.frame()

    def pause(self):
        """Stop a Play after its current chunk (~10 ms of work plus a few turns of the loop)."""
        self._stop = True
        self._emit("state")

    async def wait(self):
        """Wait for the current Play to end (for tests and ``await`` in cells)."""
        if self._task is not None:
            await self._task

    def reset(self):
        """Pause and return to the state the dashboard started from (state, records, RNG, iteration).
        The change log is cleared; parameters go back to their starting values."""
        self.restore(self._snapshot)

    def restore(self, snapshot):
        """Pause and return to ``snapshot`` (from ``net.snapshot()``, or ``net.load(path)`` done by
        hand); the change log starts again at the restored iteration."""
        self.pause()
        try:
            self.net.restore(snapshot)
        except Exception as error:  # e.g. behaviors added since: say so, change nothing else
            self.exception = error
            self.error = f"Restoring the snapshot failed: {error}\nCreate a new Dashboard(net) after changing the network's structure."
            self._emit("state")
            return
        self.log.clear(self.net.iteration)
        self.progress = None
        self.rate = 0.0
        self._rate_mark = (time.perf_counter(), self.net.iteration)
        self.error, self.exception = "", None
        self._emit("reset")
        self.frame()

    # --- parameters --------------------------------------------------------------------------
    def set_parameter(self, obj, key: int, name: str, value):
        """Set parameter ``name`` of ``obj.behavior[key]`` (validated by the core; raises
        ``ArgumentError``); applies from the next iteration, and is logged."""
        behavior = self._behavior("set_parameter", obj, key)
        if not isinstance(name, str):
            raise ArgumentError(f"Controller.set_parameter.name: must be a parameter name (str), got {name!r}",
                                owner="Controller.set_parameter", argument="name")
        old = behavior.set_parameter(name, value)
        new = getattr(behavior, name)
        new = new.item() if hasattr(new, "item") else new
        self._log(obj, key, name, old, new)
        return old

    def set_enabled(self, obj, key: int, enabled: bool):
        """Enable or disable ``obj.behavior[key]`` from the next iteration (logged)."""
        behavior = self._behavior("set_enabled", obj, key)
        enabled = check_bool("Controller.set_enabled", "enabled", enabled)
        old, behavior.behavior_enabled = behavior.behavior_enabled, enabled
        self._log(obj, key, "behavior_enabled", old, enabled)

    def _behavior(self, method, obj, key):
        """``obj.behavior[key]`` after checking that ``obj`` is part of the network and ``key`` a key of its
        tunable behaviors."""
        owner = f"Controller.{method}"
        if not any(obj is o for o in self.objects()):
            raise ArgumentError(f"{owner}.obj: must be a group of this network or the network, got {obj!r:.60}",
                                owner=owner, argument="obj")
        keys = [k for k, _ in self.tunable_behaviors(obj)]
        if isinstance(key, bool) or not isinstance(key, int) or key not in keys:
            raise ArgumentError(f"{owner}.key: must be one of the behavior keys {keys} of {obj.tags[0]!r}, "
                                f"got {key!r:.60}", owner=owner, argument="key")
        return obj.behavior[key]

    def _log(self, obj, key, name, old, new):
        if old == new:
            return
        change = self.log.add(Change(self.net.iteration, obj.tags[0], type(obj.behavior[key]).__name__, key,
                                     name, old, new, object_path(self.net, obj)))
        self._emit("parameter", change=change)

    def tunable_behaviors(self, obj):
        """``[(key, behavior)]`` of ``obj`` in key order, without the dashboard's own recorders."""
        return [(k, b) for k, b in sorted(obj.behavior.items()) if not is_dashboard_behavior(b)]

    # --- selection ---------------------------------------------------------------------------
    def objects(self):
        """Every object with behaviors: NeuronGroups, SynapseGroups, then the network."""
        return [*self.net.NeuronGroups, *self.net.SynapseGroups, self.net]

    def find(self, tag: str):
        """The object whose first tag is ``tag`` (NeuronGroups first)."""
        for obj in self.objects():
            if obj.tags[0] == tag:
                return obj
        tags = [o.tags[0] for o in self.objects()]
        raise ArgumentError(f"Controller.find.tag: must be one of {tags}, got {tag!r:.60}",
                            owner="Controller.find", argument="tag")

    def select_group(self, group):
        """Select a group (an object or its tag) for the parameter panel and the plots."""
        found = [o for o in self.objects() if o is group or (isinstance(group, str) and o.tags[0] == group)]
        if not found:
            tags = [o.tags[0] for o in self.objects()]
            raise ArgumentError(f"Controller.select_group.group: must be a group of this network or one of the "
                                f"tags {tags}, got {group!r:.60}", owner="Controller.select_group", argument="group")
        group = found[0]
        if group is self.selected_group:
            return
        self.selected_group = group
        if any(group is ng for ng in self.net.NeuronGroups):
            self.plot_group = group
            self.selected_neurons = list(range(min(5, group.size)))
        self._emit("selection")

    def select_neuron(self, index: int):
        """Show neuron ``index`` of the plotted group first in the voltage plot."""
        index = check_index("Controller.select_neuron", "index", index, getattr(self.plot_group, "size", 0))
        self.selected_neurons = [index, *[i for i in self.selected_neurons if i != index]][:5]
        self._emit("selection")

    def select_neurons(self, indices):
        """Show these neurons (up to 8, indices into the plotted group) in the voltage plot."""
        size = getattr(self.plot_group, "size", 0)
        if not isinstance(indices, (list, tuple)) or not 1 <= len(indices) <= 8:
            raise ArgumentError(f"Controller.select_neurons.indices: must be a list of 1 to 8 neuron indices, got "
                                f"{indices!r:.60}", owner="Controller.select_neurons", argument="indices")
        chosen = []
        for index in indices:
            index = check_index("Controller.select_neurons", "indices", index, size)
            if index not in chosen:
                chosen.append(index)
        self.selected_neurons = chosen
        self._emit("selection")

    # --- export ------------------------------------------------------------------------------
    def recordings(self, group=None) -> dict:
        """The plotted recordings of ``group`` (default: the plotted one) as numpy arrays:
        ``iterations``, the variable ``(T, N)`` and the spike table ``(K, 2)`` (t, i)."""
        s = self.sources_of(self.plot_group if group is None else group)
        result = {}
        if s is not None and s.sampler is not None:
            result["iterations"] = s.sampler.iterations().numpy()
            result[s.variable] = s.sampler.read(s.variable).detach().cpu().numpy()
        if s is not None and s.events is not None:
            result[s.spike] = event_cursor(s.events, s.spike).read_all().astype(np.int64)
        return result

    def to_pandas(self, group=None) -> dict:
        """``recordings`` as pandas DataFrames: the variable (index: iteration, one column per neuron)
        and the spikes (columns ``t``, ``i``)."""
        import pandas as pd

        s = self.sources_of(self.plot_group if group is None else group)
        data = self.recordings(group)
        result = {}
        if s.variable in data:
            frame = pd.DataFrame(data[s.variable].reshape(len(data["iterations"]), -1), index=data["iterations"])
            frame.index.name = "iteration"
            result[s.variable] = frame
        if s.spike in data:
            result[s.spike] = pd.DataFrame(data[s.spike][:, :2], columns=["t", "i"])
        return result

    def replay_code(self) -> str:
        """Python code replaying the logged changes up to the current iteration."""
        return self.log.to_python(until=self.net.iteration)


def _positive(name, n, most, argument="n"):
    return check_int(f"Controller.{name}", argument, n, min=1, max=most,
                     expected=f"a positive int number of iterations (at most {most:,})")


def _next_chunk(size, seconds):
    """The next chunk size, aiming at ``_CHUNK_SECONDS`` of work between two yields."""
    if seconds <= 0:
        return min(size * 2, _MAX_CHUNK)
    target = int(size * _CHUNK_SECONDS / seconds)
    return max(1, min(target, size * 2, _MAX_CHUNK))
