"""The dashboard's controller: owns the Network, its run loop and what the plots show; no widget imports.

Widgets send intents (``play``, ``pause``, ``set_parameter``, ``select_group``) and listen to events:

``"frame"``      new data may be drawn (at most ``frame_rate`` times a second during a run, and only
                 when every frame gate is open, i.e. the page painted the last frame: the one
                 throttle of the dashboard; forced after every step, run and reset);
``"state"``      running, error, notice or progress changed;
``"stopped"``    a run, step or reset ended: the state is still;
``"parameter"``  a parameter or behavior switch changed (``change``: a ``Change``);
``"selection"``  the selected group or neurons changed;
``"reset"``      the network went back to a snapshot.

One chunk loop (``_chunks``) serves the blocking ``run(n)`` and the asyncio ``play()``: chunks of ~10 ms
of work, paced by ``speed_limit`` (a token bucket: the limit holds from the moment it is set, with no
debt or credit from before), and after each chunk the event loop gets several turns, so intents (Pause,
a slider) are handled before any more work or frames.
"""
from __future__ import annotations

import asyncio
import logging
import math
import os
import time
import traceback
from collections import defaultdict

import torch

from pymonntorch_core import ArgumentError, Recorder, StateError
from pymonntorch_core.checks import check_bool, check_index, check_int, check_number
from pymonntorch_core.errors import bad_argument
from pymonntorch_core.units import time_step

from .changelog import Change, ChangeLog, object_path
from .window import PlotWindow

__all__ = ["Controller", "Pace", "served_default"]

log = logging.getLogger(__name__)

_CHUNK_SECONDS = 0.01      # one chunk of iterations between two yields to the event loop
_YIELDS = 8                # loop turns given after each chunk: a comm message needs several to be handled
_MAX_CHUNK = 10_000
MAX_STEPS = 1_000_000      # most iterations one Step may run ...
MAX_RUN = 100_000_000      # ... and one run(n) or play(n)
MAX_SPEED = 1e9            # the highest speed limit (it/s)
MIN_SPEED = 1.0            # the lowest one: slower would leave a run waiting for minutes per iteration
FAST_FRAME_RATE = 4.0      # frames/s when the window turns over faster than the frames (no flicker)
SERVED_FRAME_RATE = 5.0    # default frames/s of a served dashboard: ten visitors' frames fit on 2 cores
SERVED_MAX_ITS = 500.0     # default pace of a served dashboard (env PYMONN_MAX_ITS or PYMONN_REALTIME)
RECORDER_BUDGET = 256 * 2**20          # bytes that unbounded user recorders may hold during an open Play
SERVED_RECORDER_BUDGET = 4 * 2**20    # ~1,000 iterations of a 1,000-neuron voltage recorder: then flat
SERVED_NICENESS = 10       # a served kernel computes at a lower CPU priority than the server and its pages
PAGE_GONE_AFTER = 60.0     # seconds without an answer from a page that had answered: a served Play pauses


def served_default() -> bool:
    """True in a served kernel: Voilà (it sets ``VOILA_*`` variables) or ``PYMONN_SERVED=1``."""
    flag = os.environ.get("PYMONN_SERVED")
    if flag is not None:
        return flag.strip().lower() not in ("", "0", "false", "no")
    return any(name.startswith("VOILA_") for name in os.environ)


class Pace:
    """A token bucket of iterations: at most ``limit`` a second, measured from the moment it is set;
    bursts of at most 50 ms of iterations, so a pause or a slow chunk is never paid back."""

    def __init__(self, limit=None):
        self.set(limit)

    def set(self, limit):
        self.limit = float(limit) if limit else None
        self.tokens = 0.0
        self.stamp = time.perf_counter()

    def take(self, size):
        """``(wait seconds, iterations allowed now)``: wait when none are allowed yet."""
        if not self.limit:
            return 0.0, size
        now = time.perf_counter()
        burst = max(1.0, self.limit * 0.05)
        self.tokens = min(burst, self.tokens + (now - self.stamp) * self.limit)
        self.stamp = now
        if self.tokens < 1.0:
            return min((1.0 - self.tokens) / self.limit, 0.05), 0
        allowed = min(size, int(self.tokens))
        self.tokens -= allowed
        return 0.0, allowed


class Controller:
    """Runs ``net`` for the dashboard: play/pause/step/run/reset, pace, live parameters, selection.

    Parameters
    ----------
    net : Network
        An initialised network.
    variable, spike : str, optional
        The plotted continuous variable (default: ``voltage`` or the first float vector) and spike
        vector (default: ``spike`` or the first binary vector).
    dt, unit : optional
        The time step in ms and the variable's unit, where the behaviors do not declare them
        (``Behavior.units``; see ``pymonntorch_core.units``).
    window : int
        Iterations both plots show (the observers keep this many).
    frame_rate : float, optional
        Most ``"frame"`` events per second during a run (default 20; served: ``PYMONN_FRAME_RATE`` or 5).
    threads : int or None
        Torch threads while the controller runs the network (restored after). Default 1: the kernel
        also serves the page, and on a small shared machine one thread measured several times faster.
    max_its, realtime : float, optional
        The pace: at most ``max_its`` iterations a second, or ``realtime`` times real time (simulated
        ms per wall ms; needs a time step, see ``pymonntorch_core.units.time_step``).
    served : bool, optional
        Serving many visitors (default: detected, see ``served_default``): a default pace of
        ``PYMONN_MAX_ITS`` (500) it/s or ``PYMONN_REALTIME``, and a small recorder budget.
    recorder_budget : int, optional
        Bytes the user's recorders without ``max_length`` may hold during an open-ended Play before
        the dashboard stops feeding them (and says so; ``keep_recording()`` lets them go on).

    Example
    -------
    >>> controller = Controller(net)
    >>> controller.run(100)          # blocking: for scripts and nbval
    >>> task = controller.play()     # in a notebook: returns at once, runs on the kernel's loop
    >>> controller.pause()
    """

    def __init__(self, net, *, variable=None, spike=None, window=500, frame_rate=None, threads=1,
                 max_its=None, realtime=None, served=None, recorder_budget=None, dt=None, unit=None):
        if not getattr(net, "_initialized", False):
            raise ArgumentError("Controller.net: the network must be initialised (call net.initialize()) first",
                                owner="Controller", argument="net")
        self.net = net
        self.served = served_default() if served is None else check_bool("Controller", "served", served)
        if self.served:
            _lower_priority()
        if frame_rate is None:
            frame_rate = (_env_float("PYMONN_FRAME_RATE") or SERVED_FRAME_RATE) if self.served else 20.0
        self.frame_rate = check_number("Controller", "frame_rate", frame_rate, min=0.1, max=1000)
        self.threads = None if threads is None else check_int("Controller", "threads", threads, min=1, max=1024)
        self.variable, self.spike, self.unit = variable, spike, unit
        self.window = check_int("Controller", "window", window, min=1, max=MAX_RUN)
        if dt is not None and (isinstance(dt, bool) or not isinstance(dt, (int, float)) or not dt > 0):
            raise ArgumentError(f"Controller.dt: must be a time step in ms > 0, got {dt!r}")
        self.dt = float(dt) if dt else time_step(net)
        self.recorder_budget = recorder_budget if recorder_budget is not None else (
            SERVED_RECORDER_BUDGET if self.served else RECORDER_BUDGET)
        self._pace = Pace()
        self.speed_limit = self._initial_pace(max_its, realtime)
        self._snapshot = net.snapshot()
        self.log = ChangeLog(net.iteration)
        self._steps_per_step = 1
        self.error = ""
        self.notice = ""
        self.exception: BaseException | None = None
        self.rate = 0.0
        self.progress: tuple[int, int] | None = None   # (done, total) of the current run(N)
        self.selected_group = net.NeuronGroups[0] if net.NeuronGroups else net
        self.plot_group = self.selected_group     # the NeuronGroup the plots show (last one selected)
        self.selected_neurons: list[int] = list(range(min(5, getattr(self.selected_group, "size", 0))))
        self.view = self._window(self.plot_group) if self.plot_group is not net else None
        self.stopped_recorders: list = []
        self._listeners = defaultdict(list)
        self._gates = []
        self._silences = []
        self._page_notice = ""
        self._task: asyncio.Task | None = None
        self._stop = False
        self._running = False
        self._last_frame = 0.0
        self._last_check = 0.0
        self._rate_marks = [(time.perf_counter(), net.iteration)]

    def _window(self, group):
        return PlotWindow(self.net, group, self.selected_neurons, self.window, self.variable, self.spike, self.dt,
                          self.unit)

    def _initial_pace(self, max_its, realtime):
        if realtime is None and max_its is None and self.served:
            realtime = _env_float("PYMONN_REALTIME")
            max_its = _env_float("PYMONN_MAX_ITS") or (None if realtime else SERVED_MAX_ITS)
        if realtime:
            if not self.dt:
                raise ArgumentError("Controller.realtime: needs a network time step (net.dt or behaviors' dt in ms); "
                                    "use max_its instead")
            return realtime * 1000.0 / self.dt
        return max_its

    # --- pace --------------------------------------------------------------------------------
    @property
    def speed_limit(self) -> float | None:
        """Most iterations a second (None: as fast as possible); honoured from the moment it is set."""
        return self._pace.limit

    @speed_limit.setter
    def speed_limit(self, limit):
        if limit is not None:
            limit = check_number("Controller", "speed_limit", limit, min=0, max=MAX_SPEED)
            if 0 < limit < MIN_SPEED:
                raise bad_argument("Controller", "speed_limit", f"0 (no limit) or at least {MIN_SPEED:g} it/s", limit)
        self._pace.set(limit or None)
        self._rate_marks = [(time.perf_counter(), self.net.iteration)]

    @property
    def realtime(self) -> float | None:
        """The pace as a factor of real time (simulated ms per wall ms), where there is a time step."""
        return self.speed_limit * self.dt / 1000.0 if self.speed_limit and self.dt else None

    @realtime.setter
    def realtime(self, factor):
        if not self.dt:
            raise StateError("Controller.realtime: the network has no time step; set speed_limit instead")
        if factor is not None:
            factor = check_number("Controller", "realtime", factor, min=0, max=MAX_SPEED * self.dt / 1000.0)
        self.speed_limit = None if not factor else factor * 1000.0 / self.dt

    @property
    def steps_per_step(self) -> int:
        """Iterations one Step runs (1 to ``MAX_STEPS``)."""
        return self._steps_per_step

    @steps_per_step.setter
    def steps_per_step(self, value):
        self._steps_per_step = check_int("Controller", "steps_per_step", value, min=1, max=MAX_STEPS)

    # --- events ------------------------------------------------------------------------------
    def on(self, event: str, callback):
        """Call ``callback(**details)`` on ``event``; returns ``callback``."""
        self._listeners[event].append(callback)
        return callback

    def add_frame_gate(self, is_open, unanswered=None):
        """Throttled frames wait until ``is_open()`` is true (a view whose page has not painted the last
        frame): no readout or plot traffic queues up in a page that falls behind. Forced frames pass.
        ``unanswered()``, when given, is how long (s) that page has left a frame unanswered (0: none)."""
        self._gates.append(is_open)
        if unanswered is not None:
            self._silences.append(unanswered)

    def _emit(self, event, **details):
        for callback in list(self._listeners[event]):
            try:
                callback(**details)
            except Exception:  # a broken view must not stop the run
                log.exception("pymonn_widgets: %s listener failed", event)

    def frame_interval(self) -> float:
        """Seconds between two frames: ``1 / frame_rate``, or ``1 / FAST_FRAME_RATE`` while the window
        turns over faster than that (as fast as possible: fewer, readable frames instead of flicker)."""
        interval = 1.0 / self.frame_rate
        if self.rate * interval > self.window:
            interval = max(interval, 1.0 / FAST_FRAME_RATE)
        return interval

    def frame(self, force=True):
        """Ask the views to draw what is new (throttled to ``frame_interval`` unless ``force``)."""
        now = time.perf_counter()
        if force or (now - self._last_frame >= self.frame_interval() and all(gate() for gate in self._gates)):
            self._last_frame = now
            if self._running:   # iterations run from code, a Step or a page's hello are no rate
                self._update_rate(now)
            self._emit("frame")

    def _update_rate(self, now):
        """it/s over the last ~second (a sliding interval)."""
        marks = self._rate_marks
        marks.append((now, self.net.iteration))
        while len(marks) > 2 and now - marks[1][0] >= 1.0:
            marks.pop(0)
        then, iteration = marks[0]
        if now - then >= 0.2:
            self.rate = (self.net.iteration - iteration) / (now - then)

    # --- data --------------------------------------------------------------------------------
    def set_window(self, window: int):
        """Show the last ``window`` iterations in both plots."""
        self.window = _positive("set_window", window, MAX_RUN, "window")
        if self.view is not None:
            self.view.set_window(self.window)
        self._emit("selection")

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

    def _chunks(self, total):
        """The one run loop: simulate chunks until ``total`` (None: until paused); yields the seconds to
        wait before the next chunk (0: just give the event loop its turns)."""
        done, chunk = 0, 1
        while not self._stop and (total is None or done < total):
            wait, size = self._pace.take(chunk if total is None else min(chunk, total - done))
            if not size:
                yield wait
                continue
            begin = time.perf_counter()
            if not self._simulate(size):
                break
            done += size
            chunk = _next_chunk(size, time.perf_counter() - begin)
            if total is not None:
                self.progress = (done, total)
            else:
                self._check_recorders()
                self._check_page()
            self.frame(force=False)
            yield 0.0

    def _begin(self, total):
        self._clear_error()
        if self.notice and self.notice == self._page_notice:   # the visitor is back
            self.notice = ""
        self._running, self._stop = True, False
        self.progress = None if total is None else (0, total)
        self._rate_marks = [(time.perf_counter(), self.net.iteration)]
        self._pace.set(self._pace.limit)
        self._emit("state")

    def _end(self):
        self._running = False
        self._task = None
        self._emit("state")
        self.frame()
        self._emit("stopped")

    def run(self, n: int):
        """Run ``n`` iterations now, blocking (paced by ``speed_limit``); views update during the run.
        Re-raises a behavior error after pausing (state and records are kept; the next run continues
        the failed iteration)."""
        n = _positive("run", n, MAX_RUN)
        if self._running:
            raise StateError("Controller.run: a Play is going on; pause() first")
        self._begin(n)
        try:
            for wait in self._chunks(n):
                if wait:
                    time.sleep(wait)
        finally:
            self._end()
        if self.exception is not None:
            raise self.exception

    def step(self, n: int | None = None):
        """Pause, then run ``n`` (default ``steps_per_step``) iterations at once."""
        self.pause()
        n = self.steps_per_step if n is None else _positive("step", n, MAX_STEPS)
        self._clear_error()
        self._simulate(n)
        self.frame()
        self._emit("stopped")

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
        self._begin(iterations)
        self._task = loop.create_task(self._play(iterations))
        return self._task

    async def _play(self, total):
        try:
            for wait in self._chunks(total):
                if wait:
                    await asyncio.sleep(wait)
                for _ in range(_YIELDS):
                    await asyncio.sleep(0)
        finally:
            self._end()

    def pause(self):
        """Stop a Play after its current chunk (~10 ms of work plus a few turns of the loop)."""
        if self._running and not self._stop:
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
        self.stopped_recorders, self.notice = [], ""
        self._rate_marks = [(time.perf_counter(), self.net.iteration)]
        self.error, self.exception = "", None
        if self.view is not None:
            self.view.clear()
        self._emit("reset")
        self._emit("state")
        self.frame()
        self._emit("stopped")

    # --- the user's recorders ----------------------------------------------------------------
    def _check_recorders(self):
        """During an open-ended Play, stop feeding the user's recorders without ``max_length`` once they
        hold more than ``recorder_budget`` bytes (checked at most twice a second)."""
        now = time.perf_counter()
        if now - self._last_check < 0.5:
            return
        self._last_check = now
        unbounded = [(b, p) for _, p, b in self.net.sorted_behavior_execution_list
                     if isinstance(b, Recorder) and b.max_length is None and b.behavior_enabled]
        held = sum(b.nbytes for b, _ in unbounded)
        if not unbounded or held <= self.recorder_budget:
            return
        for recorder, _ in unbounded:
            recorder.behavior_enabled = False
        self.stopped_recorders += unbounded
        names = ", ".join(f"{r!r} of {p.tags[0]}" for r, p in unbounded)
        self.notice = (f"Stopped feeding {names} at iteration {self.net.iteration}: recorders without max_length "
                       f"held {held / 2**20:.0f} MiB (budget {self.recorder_budget / 2**20:.0f} MiB). The plots go "
                       f"on; 'Keep recording' lets them grow.")
        self._emit("state")

    def _check_page(self):
        """Served: pause an open-ended Play once its page has left a frame unanswered for
        ``PAGE_GONE_AFTER`` s (the tab is gone without Voilà's shutdown): it would take the class's CPU."""
        silent = max((unanswered() for unanswered in self._silences), default=0.0)
        if self.served and silent > PAGE_GONE_AFTER:
            self.notice = f"Paused at iteration {self.net.iteration}: the page did not answer for {silent:.0f} s."
            self._page_notice = self.notice
            self.pause()

    def keep_recording(self):
        """Feed the recorders stopped by the budget again, and double the budget."""
        for recorder, _ in self.stopped_recorders:
            recorder.behavior_enabled = True
        if self.stopped_recorders:
            self.recorder_budget *= 2
        self.stopped_recorders, self.notice = [], ""
        self._emit("state")

    # --- parameters --------------------------------------------------------------------------
    def set_parameter(self, obj, key: int, name: str, value):
        """Set parameter ``name`` of ``obj.behavior[key]`` (validated by the core; raises
        ``ArgumentError``); applies from the next iteration, and is logged."""
        behavior = self._behavior("set_parameter", obj, key)
        if not isinstance(name, str):
            raise ArgumentError(f"Controller.set_parameter.name: must be a parameter name (str), got {name!r:.60}",
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
        """``obj.behavior[key]`` after checking that ``obj`` belongs to the network and ``key`` is one of
        its behavior keys."""
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
        """``[(key, behavior)]`` of ``obj`` in key order."""
        return sorted(obj.behavior.items(), key=lambda item: item[0])

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
        if any(group is ng for ng in self.net.NeuronGroups) and group is not self.plot_group:
            self.plot_group = group
            self.selected_neurons = list(range(min(5, group.size)))
            if self.view is not None:
                self.view.close()
            self.view = self._window(group)
        self._emit("selection")

    def _show_neurons(self, chosen):
        self.selected_neurons = chosen
        if self.view is not None:
            self.view.set_neurons(chosen)
        self._emit("selection")

    def select_neuron(self, index: int):
        """Show neuron ``index`` of the plotted group first in the voltage plot."""
        index = check_index("Controller.select_neuron", "index", index, getattr(self.plot_group, "size", 0))
        self._show_neurons([index, *[i for i in self.selected_neurons if i != index]][:5])

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
        self._show_neurons(chosen)

    # --- export ------------------------------------------------------------------------------
    def recordings(self) -> dict:
        """What the plots show, as numpy arrays: ``iterations`` (T,), the variable of the shown neurons
        (T, k) under its name, ``neurons`` (k,), ``mean`` (T,) and the spikes ``(K, 2)`` (t, i) under
        the spike variable's name. The window's last ``window`` iterations only: the dashboard records
        what it displays (the user's own recorders hold the rest)."""
        if self.view is None:
            return {}
        data = self.view.data()
        result = {"iterations": data["iterations"], "neurons": data["neurons"], "mean": data["mean"]}
        if self.view.variable:
            result[self.view.variable] = data["traces"].T
        if self.view.spike:
            result[self.view.spike] = data["spikes"].astype("int64")
        return result

    def to_pandas(self) -> dict:
        """``recordings`` as pandas DataFrames: the variable (index: iteration, one column per shown
        neuron, plus ``mean``) and the spikes (columns ``t``, ``i``)."""
        import pandas as pd

        data = self.recordings()
        result = {}
        if self.view is not None and self.view.variable in data:
            frame = pd.DataFrame(data[self.view.variable], index=data["iterations"], columns=data["neurons"])
            frame["mean"] = data["mean"]
            frame.index.name = "iteration"
            result[self.view.variable] = frame
        if self.view is not None and self.view.spike in data:
            result[self.view.spike] = pd.DataFrame(data[self.view.spike][:, :2], columns=["t", "i"])
        return result

    def replay_code(self) -> str:
        """Python code replaying the logged changes up to the current iteration."""
        return self.log.to_python(until=self.net.iteration)


def _positive(name, n, most, argument="n"):
    return check_int(f"Controller.{name}", argument, n, min=1, max=most,
                     expected=f"a positive int number of iterations (at most {most:,})")


def _lower_priority():
    """Run the calling thread (the kernel's, which simulates) at ``SERVED_NICENESS``: on a crowded server
    the Voilà server relaying everyone's Pause, the kernels' I/O threads and the pages go first.

    Linux also shares the CPU between sessions first (autogroups), and Jupyter starts every kernel in a
    session of its own: ten kernels would take ten shares to the server's one, so the kernel's session
    gets the same niceness (only when the kernel leads its session: a script's terminal keeps its own)."""
    try:
        if os.getpriority(os.PRIO_PROCESS, 0) < SERVED_NICENESS:
            os.setpriority(os.PRIO_PROCESS, 0, SERVED_NICENESS)   # on Linux: this thread only
    except (AttributeError, OSError):   # not on this platform, or not allowed
        pass
    try:
        if os.getsid(0) != os.getpid():
            return
        with open("/proc/self/autogroup", "r+") as group:   # "/autogroup-42 nice 0"
            if int(group.read().split()[-1]) < SERVED_NICENESS:
                group.write(str(SERVED_NICENESS))
    except (AttributeError, OSError, ValueError, IndexError):   # no sessions or autogroups here, or not allowed
        pass


def _env_float(name):
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _next_chunk(size, seconds):
    """The next chunk size, aiming at ``_CHUNK_SECONDS`` of work between two yields."""
    if seconds <= 0:
        return min(size * 2, _MAX_CHUNK)
    target = int(size * _CHUNK_SECONDS / seconds)
    return max(1, min(target, size * 2, _MAX_CHUNK))
