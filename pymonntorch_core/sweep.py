"""Parameter sweeps: run ``build`` -> simulate -> ``measure`` trials over a grid, on Dask or in-process.

Each trial builds a network from one parameter set, runs it for ``iterations`` and returns the numbers
``measure(net)`` gives. Trials are seeded from ``(seed, parameters, repeat)`` with a stable hash, so a
trial gives the same numbers alone, serially or on any worker (one torch thread per trial everywhere).

Engines: ``client=None`` starts an embedded Dask ``LocalCluster`` (one single-threaded worker process
per core, forked from this process on Linux) when ``distributed`` is installed, and closes it when the sweep ends, also on error or cancel;
without ``distributed`` it runs in-process. ``client="serial"`` forces in-process; a
``distributed.Client`` (or a scheduler address) runs the trials on that cluster and leaves a passed
client open. Workers get plain functions and parameters (cloudpickle) and send back numbers only.
Dask is imported only when a sweep starts: importing ``pymonntorch_core`` stays torch + numpy.

Example
-------
>>> def build(g, rate):
...     net = Network()
...     ...
...     return net
>>> result = sweep(build, {"g": [3, 4, 5], "rate": [10, 20]}, iterations=1000, repeats=2, seed=0)
>>> result.to_pandas()       # one row per trial: parameters, repeat, seed, measures, seconds, error
>>> result.failed            # trials that raised, with their traceback text
"""
from __future__ import annotations

import contextlib
import hashlib
import inspect
import itertools
import json
import logging
import numbers
import os
import random
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field

import numpy as np
import torch

from .errors import ArgumentError, StateError, bad_argument, describe

__all__ = ["sweep", "Sweep", "SweepResult", "Trial", "trial_seed", "build_trial", "run_trial", "mean_rates"]

#: Columns every row has besides the parameters and the measures.
RESERVED_COLUMNS = ("repeat", "seed", "seconds", "error")
_CONNECT_TIMEOUT = "5s"


# --- trials ---------------------------------------------------------------------------------------
@dataclass
class Trial:
    """One trial: its parameters, repeat and seed, and once run its measures (numbers) or its error."""

    index: int
    parameters: dict
    repeat: int
    seed: int
    measures: dict = field(default_factory=dict)
    seconds: float | None = None
    error: str | None = None          # one line: "ValueError: ..." (None when the trial succeeded)
    traceback: str | None = None      # the whole traceback text of a failed trial

    @property
    def done(self) -> bool:
        return self.seconds is not None or self.error is not None

    @property
    def ok(self) -> bool:
        return self.done and self.error is None

    def row(self) -> dict:
        """The trial as one table row: parameters, repeat, seed, measures, seconds, error."""
        return {**self.parameters, "repeat": self.repeat, "seed": self.seed, **self.measures,
                "seconds": self.seconds, "error": self.error}


def trial_seed(seed: int, parameters: dict, repeat: int) -> int:
    """A 63-bit seed from ``(seed, parameters, repeat)``: the same in every process and on every machine
    (a BLAKE2 hash of a canonical JSON text, not Python's salted ``hash``)."""
    text = json.dumps([int(seed), sorted((str(k), _plain(v)) for k, v in parameters.items()), int(repeat)],
                      sort_keys=True, default=repr)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") >> 1


@contextlib.contextmanager
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _seed_everything(seed: int):
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


def build_trial(build, parameters: dict, seed: int):
    """Seed torch, numpy and ``random`` with ``seed``, call ``build(**parameters)`` and initialise the
    network if ``build`` did not. The global generators are left where the build left them, so running
    the network next (e.g. in a ``Dashboard``) repeats the trial exactly."""
    from .network import Network

    _seed_everything(seed)
    net = build(**parameters)
    if not isinstance(net, Network):
        raise ArgumentError(f"sweep.build: must return a Network, got {describe(net)}")
    if not net._initialized:
        net.initialize(info=False)
    return net


def run_trial(build, measure, parameters: dict, seed: int, iterations: int) -> dict:
    """Run one trial with one torch thread; never raises. Returns plain data:
    ``{"measures": {name: number}, "seconds": float, "error": None | str, "traceback": None | str}``.
    The caller's random generators and thread count are restored afterwards."""
    start = time.perf_counter()
    with _one_thread(), torch.random.fork_rng(devices=[]):
        numpy_state, random_state = np.random.get_state(), random.getstate()
        try:
            net = build_trial(build, parameters, seed)
            net.simulate_iterations(iterations, measure_block_time=False)
            measures = _check_measures((measure or mean_rates)(net), parameters)
            return {"measures": measures, "seconds": time.perf_counter() - start, "error": None, "traceback": None}
        except Exception as error:  # noqa: BLE001 - a failed trial is recorded, the sweep goes on
            return {"measures": {}, "seconds": time.perf_counter() - start,
                    "error": f"{type(error).__name__}: {error}".splitlines()[0][:300],
                    "traceback": traceback.format_exc()}
        finally:
            np.random.set_state(numpy_state)
            random.setstate(random_state)


def mean_rates(net) -> dict:
    """The default measure: ``{"<group>_rate": Hz}`` for every group whose spikes an EventRecorder
    records: events per neuron per iteration x 1000 / dt (dt in ms from the group's behaviors, 1 ms if
    none has one)."""
    from .recorder import EventRecorder

    rates = {}
    for ng in net.NeuronGroups:
        behaviors = list(ng.behavior.values()) if isinstance(ng.behavior, dict) else []
        recorders = [b for b in behaviors if isinstance(b, EventRecorder) and "spike" in b.names]
        if not recorders or net.iteration == 0:
            continue
        dt = next((float(b.dt) for b in behaviors if isinstance(getattr(b, "dt", None), numbers.Real)), 1.0)
        rates[f"{ng.tags[0]}_rate"] = recorders[0].event_count("spike") / ng.size / net.iteration * 1000.0 / dt
    if not rates:
        raise ArgumentError("sweep.measure: the default measure found no group with an EventRecorder of 'spike'; "
                            "record spikes (EventRecorder(['spike'])) or pass measure=")
    return rates


def _check_measures(values, parameters) -> dict:
    if not isinstance(values, dict) or not values:
        raise ArgumentError(f"sweep.measure: must return a non-empty dict of numbers, got {describe(values)}")
    out = {}
    for name, value in values.items():
        if not isinstance(name, str):
            raise ArgumentError(f"sweep.measure: keys must be strings, got {describe(name)}")
        if name in parameters or name in RESERVED_COLUMNS:
            raise ArgumentError(f"sweep.measure: the name {name!r} is already a column (a parameter or one of "
                                f"{', '.join(RESERVED_COLUMNS)}); rename it")
        number = _number(value)
        if number is None:
            raise ArgumentError(f"sweep.measure: {name!r} must be a number, got {describe(value)}")
        out[name] = number
    return out


def _number(value):
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    elif isinstance(value, np.generic | np.ndarray) and np.size(value) == 1:
        value = value.item()
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def _plain(value):
    """numpy scalars as Python numbers (parameters show and hash the same whatever made them)."""
    return value.item() if isinstance(value, np.generic) else value


# --- results --------------------------------------------------------------------------------------
class SweepResult:
    """The finished trials of a sweep, in grid order.

    Attributes: ``trials`` (every trial that ran), ``failed`` (those that raised: parameters, seed,
    ``traceback``), ``not_run`` (trials left out by a cancel), ``cancelled``, ``seconds`` (wall time),
    ``engine`` (where it ran).
    """

    def __init__(self, trials, not_run, parameter_names, cancelled, seconds, engine):
        self.trials = trials
        self.not_run = not_run
        self.parameter_names = parameter_names
        self.cancelled = cancelled
        self.seconds = seconds
        self.engine = engine

    @property
    def failed(self) -> list:
        return [t for t in self.trials if t.error is not None]

    @property
    def measure_names(self) -> list:
        return list(dict.fromkeys(name for t in self.trials for name in t.measures))

    def rows(self) -> list:
        """One dict per trial (see ``Trial.row``); every row has every column (None where missing)."""
        columns = [*self.parameter_names, "repeat", "seed", *self.measure_names, "seconds", "error"]
        return [{c: t.row().get(c) for c in columns} for t in self.trials]

    def to_pandas(self):
        """The rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        columns = [*self.parameter_names, "repeat", "seed", *self.measure_names, "seconds", "error"]
        return pd.DataFrame(self.rows(), columns=columns)

    def __len__(self):
        return len(self.trials)

    def __repr__(self):
        state = ", cancelled" if self.cancelled else ""
        return (f"SweepResult({len(self.trials)} trials: {len(self.trials) - len(self.failed)} ok, "
                f"{len(self.failed)} failed{state}; {self.engine}, {self.seconds:.1f} s)")


# --- the sweep --------------------------------------------------------------------------------------
class Sweep:
    """A sweep, checked and ready to run: ``run()`` blocks, ``start()`` runs it in a background thread.

    Parameters
    ----------
    build : callable
        ``build(**parameters)`` returns a Network (initialised or not) for one parameter set.
    parameters : dict of lists, or list of dicts
        A grid ``{"g": [3, 4], "rate": [10, 20]}`` (every combination, first key slowest) or explicit
        parameter sets ``[{"g": 3, "rate": 10}, ...]``.
    iterations : int
        Iterations each trial runs before ``measure``.
    measure : callable, optional
        ``measure(net)`` returns ``{"name": number}``; default ``mean_rates``.
    repeats : int
        Trials per parameter set, each with its own seed.
    seed : int
        The sweep's seed; each trial's seed is ``trial_seed(seed, parameters, repeat)``.
    client : None, "serial", a ``distributed.Client`` or a scheduler address
        Where trials run (see the module docstring).
    workers : int, optional
        Worker processes of the embedded cluster (default: one per core).
    progress : bool
        Show a progress bar (tqdm: a bar in notebooks, a line in a terminal).

    Example
    -------
    >>> s = Sweep(build, {"g": [4, 6]}, iterations=500).start()   # returns at once
    >>> s.on_trial(print)            # called with each Trial as it finishes
    >>> s.cancel()                   # or: result = s.result()
    """

    def __init__(self, build, parameters, iterations, *, measure=None, repeats=1, seed=0, client=None,
                 workers=None, progress=True):
        if not callable(build):
            raise bad_argument("sweep", "build", "a function returning a Network", build)
        if measure is not None and not callable(measure):
            raise bad_argument("sweep", "measure", "None or a function of the network returning a dict of numbers",
                               measure)
        self.build, self.measure = build, measure
        self.iterations = _positive("iterations", iterations)
        self.repeats = _positive("repeats", repeats)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise bad_argument("sweep", "seed", "an int", seed)
        self.seed = int(seed)
        if workers is None:
            workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        self.workers = _positive("workers", workers)
        sets = _parameter_sets(parameters)
        _check_accepted(build, sets)
        self.parameter_names = list(dict.fromkeys(k for p in sets for k in p))
        self.parameter_sets = sets
        self.trials = [Trial(i, dict(p), r, trial_seed(self.seed, p, r))
                       for i, (p, r) in enumerate((p, r) for p in sets for r in range(self.repeats))]
        self.progress = bool(progress)
        self._engine, self._client, self._owns_client = _engine(client)
        self._listeners, self._done_listeners = [], []
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._started = False
        self._thread = None
        self._futures = []
        self._result = None
        self._error = None
        self._start_time = None

    # --- watching ----------------------------------------------------------------------------------
    def on_trial(self, callback):
        """Call ``callback(trial)`` as each trial finishes (from the thread driving the sweep); trials that
        finished already are passed at once."""
        with self._lock:
            self._listeners.append(callback)
            finished = [t for t in self.trials if t.done]
        for trial in finished:
            callback(trial)

    def on_done(self, callback):
        """Call ``callback(result)`` when the sweep ends (at once if it has)."""
        with self._lock:
            if self._result is None:
                self._done_listeners.append(callback)
                return
        callback(self._result)

    @property
    def finished(self) -> list:
        """The trials finished so far, in grid order."""
        return [t for t in self.trials if t.done]

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def engine(self) -> str:
        """Where the trials run, in words."""
        if self._engine == "serial":
            return "serial (in-process)"
        if self._engine == "embedded":
            return f"embedded LocalCluster ({self.workers} workers)"
        return f"Dask client at {self._client.scheduler.address}"

    # --- running -----------------------------------------------------------------------------------
    def run(self) -> SweepResult:
        """Run every trial here and return the result; Ctrl-C cancels and returns the trials done so far."""
        self._claim()
        try:
            self._drive()
        except KeyboardInterrupt:
            pass
        return self.result()

    def start(self) -> Sweep:
        """Run the sweep in a background thread and return at once (``result()`` waits for it)."""
        self._claim()
        self._thread = threading.Thread(target=self._drive, name="pymonn-sweep", daemon=True)
        self._thread.start()
        return self

    def cancel(self):
        """Stop: no new trial starts, running ones are abandoned, an embedded cluster is closed."""
        self._cancel.set()
        futures, client = self._futures, self._client
        if futures and client is not None:
            with contextlib.suppress(Exception):
                client.cancel(futures)

    def result(self, timeout=None) -> SweepResult:
        """Wait for the sweep to end (``timeout`` seconds at most) and return its result."""
        if not self._started:
            raise StateError("Sweep.result: the sweep has not started; call run() or start()")
        if not self._finished.wait(timeout):
            raise TimeoutError(f"Sweep.result: still running after {timeout} s ({len(self.finished)} of "
                               f"{len(self.trials)} trials done)")
        if self._error is not None:
            raise self._error
        return self._result

    def __await__(self):
        """``result = await running_sweep`` in a notebook: waits without blocking the kernel's event loop."""
        import asyncio

        return asyncio.get_running_loop().run_in_executor(None, self.result).__await__()

    def rebuild(self, trial):
        """The network of ``trial`` (a Trial or its index), built and seeded as its run was (see ``build_trial``)."""
        trial = self.trials[trial] if isinstance(trial, int) else trial
        return build_trial(self.build, trial.parameters, trial.seed)

    # --- internals ---------------------------------------------------------------------------------
    def _claim(self):
        with self._lock:
            if self._started:
                raise StateError("Sweep: already started; a Sweep runs once (make a new one)")
            self._started = True
        self._start_time = time.perf_counter()

    def _record(self, trial, outcome):
        with self._lock:
            trial.measures = outcome["measures"]
            trial.seconds = outcome["seconds"]
            trial.error = outcome["error"]
            trial.traceback = outcome["traceback"]
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback(trial)
            except Exception:  # noqa: BLE001 - a broken watcher must not stop the sweep
                logging.getLogger(__name__).exception("sweep: a trial listener raised")

    def _drive(self):
        bar = _progress_bar(len(self.trials)) if self.progress else None
        try:
            if self._engine == "serial":
                for trial in self.trials:
                    if self.cancelled:
                        break
                    self._record(trial, run_trial(self.build, self.measure, trial.parameters, trial.seed,
                                                  self.iterations))
                    _advance(bar, trial)
            else:
                self._drive_dask(bar)
        except KeyboardInterrupt:
            self._cancel.set()
            raise
        except BaseException as error:
            self._error = error
            raise
        finally:
            if bar is not None:
                bar.close()
            self._finish()

    def _drive_dask(self, bar):
        from distributed import as_completed

        cluster = None
        try:
            if self._engine == "embedded":
                tracker_was_running = _resource_tracker_running()
                cluster, self._client = _embedded_cluster(self.workers)
            if self.cancelled:
                return
            client, token = self._client, uuid.uuid4().hex[:8]
            futures = [client.submit(run_trial, self.build, self.measure, t.parameters, t.seed, self.iterations,
                                     key=f"pymonn-trial-{token}-{t.index}", pure=False) for t in self.trials]
            self._futures = futures
            trial_of = {f.key: t for f, t in zip(futures, self.trials)}
            if self.cancelled:
                return
            for future in as_completed(futures, loop=client.loop):
                if self.cancelled:
                    break
                trial = trial_of[future.key]
                try:
                    outcome = future.result()
                except Exception as error:  # noqa: BLE001 - e.g. a worker died: the trial failed
                    outcome = {"measures": {}, "seconds": None, "error": f"{type(error).__name__}: {error}"[:300],
                               "traceback": "".join(traceback.format_exception(error))}
                self._record(trial, outcome)
                _advance(bar, trial)
        finally:
            if self.cancelled and self._futures:
                with contextlib.suppress(Exception):
                    self._client.cancel(self._futures)
            self._futures = []
            if cluster is not None:
                _close_embedded(self._client, cluster, tracker_was_running)
                self._client = None
            elif self._owns_client:
                with contextlib.suppress(Exception):
                    self._client.close()

    def _finish(self):
        with self._lock:
            done = [t for t in self.trials if t.done]
            not_run = [t for t in self.trials if not t.done]
            self._result = SweepResult(done, not_run, self.parameter_names, self.cancelled,
                                       time.perf_counter() - self._start_time, self.engine)
            listeners, self._done_listeners = self._done_listeners, []
        self._finished.set()
        for callback in listeners:
            try:
                callback(self._result)
            except Exception:  # noqa: BLE001
                logging.getLogger(__name__).exception("sweep: a done listener raised")


def sweep(build, parameters, iterations, *, measure=None, repeats=1, seed=0, client=None, workers=None,
          progress=True, wait=True):
    """Run ``build`` -> ``iterations`` -> ``measure`` for every parameter set and repeat (see ``Sweep``).

    With ``wait`` (default) it returns the ``SweepResult``; with ``wait=False`` the running ``Sweep``
    (for ``SweepView``, ``cancel()``, ``result()``). Bad input raises ``ArgumentError`` before any trial
    starts; a trial that raises, or whose measure returns something other than a dict of numbers, is
    recorded in ``result.failed`` and the others go on.

    Example
    -------
    >>> result = sweep(build, {"g": [3, 4, 5, 6], "rate": [10, 20, 30]}, iterations=2000,
    ...                measure=measure, repeats=2, seed=0)
    >>> result.to_pandas()
    """
    running = Sweep(build, parameters, iterations, measure=measure, repeats=repeats, seed=seed, client=client,
                    workers=workers, progress=progress)
    return running.run() if wait else running.start()


# --- checks -----------------------------------------------------------------------------------------
def _positive(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise bad_argument("sweep", name, "a positive int", value)
    return int(value)


def _values(name, values):
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if isinstance(values, range):
        values = list(values)
    if not isinstance(values, list | tuple):
        raise ArgumentError(f"sweep.parameters[{name!r}]: must be a list of values, got {describe(values)} "
                            f"(for one value write [{values!r}])")
    if not values:
        raise ArgumentError(f"sweep.parameters[{name!r}]: must be a non-empty list of values, got []")
    return [_plain(v) for v in values]


def _parameter_sets(parameters):
    if isinstance(parameters, dict):
        if not parameters:
            raise ArgumentError("sweep.parameters: the grid is empty; give {name: [values, ...]} with at least one name")
        for name in parameters:
            if not isinstance(name, str):
                raise ArgumentError(f"sweep.parameters: names must be strings, got {describe(name)}")
        names = list(parameters)
        grid = [_values(n, parameters[n]) for n in names]
        return [dict(zip(names, combo)) for combo in itertools.product(*grid)]
    if isinstance(parameters, list | tuple):
        if not parameters:
            raise ArgumentError("sweep.parameters: the list of parameter sets is empty")
        sets = []
        for i, p in enumerate(parameters):
            if not isinstance(p, dict) or not all(isinstance(k, str) for k in p):
                raise ArgumentError(f"sweep.parameters[{i}]: must be a dict {{name: value}}, got {describe(p)}")
            sets.append({k: _plain(v) for k, v in p.items()})
        return sets
    raise bad_argument("sweep", "parameters", "a dict of lists {name: [values]} or a list of dicts", parameters)


def _check_accepted(build, sets):
    try:
        signature = inspect.signature(build)
    except (TypeError, ValueError):
        return
    for keys in dict.fromkeys(tuple(p) for p in sets):
        try:
            signature.bind(**dict.fromkeys(keys))
        except TypeError as error:
            takes = ", ".join(signature.parameters) or "no parameters"
            name = getattr(build, "__name__", "build")
            raise ArgumentError(f"sweep.parameters: {name}() does not accept {', '.join(keys)}: {error} "
                                f"(it takes {takes})") from None


def _engine(client):
    """``(kind, client, owns_client)`` for the ``client`` argument; connects to an address now."""
    if client is None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            return "serial", None, False
        return "embedded", None, False
    if isinstance(client, str) and client == "serial":
        return "serial", None, False
    if isinstance(client, str):
        from distributed import Client

        try:
            return "client", Client(client, timeout=_CONNECT_TIMEOUT, set_as_default=False), True
        except (OSError, TimeoutError, ValueError) as error:
            raise ArgumentError(f"sweep.client: cannot reach a Dask scheduler at {client!r} within "
                                f"{_CONNECT_TIMEOUT}: {error}") from None
    distributed = sys.modules.get("distributed")
    if distributed is not None and isinstance(client, distributed.Client):
        if client.status not in ("running", "connecting", "newly-created"):
            raise ArgumentError(f"sweep.client: the Dask client is {client.status!r}, not running")
        return "client", client, False
    raise bad_argument("sweep", "client", "None, 'serial', a distributed.Client or a scheduler address", client)


# --- Dask and progress ------------------------------------------------------------------------------
def _embedded_cluster(workers):
    """A LocalCluster of ``workers`` single-threaded worker processes and a client of it.

    On Linux the workers are forked from this process (torch is already imported: start-up ~0.3 s and
    close ~0.2 s, against ~2.5 s and ~1 s for spawned workers on 2 quiet cores, and 14 s vs 0.3 s on a
    loaded machine), as torch's own DataLoader workers are; where CUDA is initialised here, or off
    Linux, they are spawned (a forked child cannot use CUDA)."""
    import dask
    from distributed import Client, LocalCluster

    fork = sys.platform.startswith("linux") and not torch.cuda.is_initialized()
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork" if fork else "spawn"}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
    try:
        return cluster, Client(cluster, set_as_default=False)
    except BaseException:
        cluster.close()
        raise


def _close_embedded(client, cluster, tracker_was_running):
    with contextlib.suppress(Exception):
        client.close()
    cluster.close()
    if not tracker_was_running:
        _stop_resource_tracker()


def _resource_tracker_running():
    from multiprocessing import resource_tracker

    return getattr(resource_tracker._resource_tracker, "_fd", None) is not None


def _stop_resource_tracker():
    """Stop the helper process multiprocessing started for the cluster's workers (restarted on demand)."""
    from multiprocessing import resource_tracker

    with contextlib.suppress(Exception):
        resource_tracker._resource_tracker._stop()


def _progress_bar(total):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _Line(total)
    return tqdm(total=total, unit="trial", desc="sweep", dynamic_ncols=True)


def _advance(bar, trial):
    if bar is None:
        return
    if trial.error is not None:
        bar.failed = getattr(bar, "failed", 0) + 1
        bar.set_postfix(failed=bar.failed, refresh=False)
    bar.update(1)


class _Line:
    """A tqdm-style progress line on stderr, for when tqdm is not installed."""

    def __init__(self, total):
        self.total, self.n, self.failed, self.start = total, 0, 0, time.perf_counter()
        self._draw()

    def set_postfix(self, **kwargs):
        pass

    def update(self, n):
        self.n += n
        self._draw()

    def _draw(self):
        width = 20
        filled = width * self.n // max(self.total, 1)
        elapsed = time.perf_counter() - self.start
        failed = f", failed={self.failed}" if self.failed else ""
        sys.stderr.write(f"\rsweep: {100 * self.n // max(self.total, 1):3d}%|{'#' * filled}{' ' * (width - filled)}| "
                         f"{self.n}/{self.total} [{elapsed:.0f}s{failed}]")
        sys.stderr.flush()

    def close(self):
        sys.stderr.write("\n")

