"""Network: the container of all groups, the execution order of behaviors, and the run loop."""
import time
import warnings
from warnings import warn

import torch

from .behavior import Behavior
from .checks import available_memory, check_int
from .errors import ArgumentError, PymonnWarning, StateError, bad_argument, describe
from .network_object import NetworkObject
from .neuron_group import SynapseIndex
from .observers import Observer
from .recorder import Recorder
from .snapshot import load_snapshot, restore_snapshot, save_snapshot, take_snapshot

__all__ = ["Network"]

_FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


class Network(NetworkObject):
    """The container of NeuronGroups and SynapseGroups; runs their behaviors in key order.

    Behaviors of every object share one order: by int key, then by creation. ``initialize()``
    initialises them in that order (recorders last) and resets the iteration to 0;
    ``simulate_iterations(n)`` then runs ``n`` iterations, and ``net.iteration`` counts on across calls.

    Example
    -------
    >>> net = Network(dtype=torch.float32, device="cpu")
    >>> ng = NeuronGroup(size=100, net=net, behavior={1: MyBehavior(), 9: Recorder(["voltage"])})
    >>> net.initialize(info=False)
    >>> net.simulate_iterations(100, measure_block_time=False)
    >>> net["voltage", 0].shape
    torch.Size([100, 100])
    """

    def __init__(self, tag=None, behavior=None, dtype=torch.float32, device="cpu",
                 synapse_mode="SxD", index=True):
        self.device = _check_device(device)
        if dtype not in _FLOAT_DTYPES:
            raise bad_argument("Network", "dtype", "a floating torch dtype such as torch.float32", dtype)
        if synapse_mode not in ("SxD", "DxS"):
            raise bad_argument("Network", "synapse_mode", "'SxD' (src x dst matrices) or 'DxS'", synapse_mode)
        self._def_dtype = dtype
        self.transposed_synapse_matrix_mode = synapse_mode == "SxD"
        self.index_neurons = bool(index)
        self.NeuronGroups = []
        self.SynapseGroups = []
        self.Structures = []
        self.sorted_behavior_execution_list = []
        self._iteration = 0
        self._initialized = False
        self._changed_since_initialize = False
        self._interrupted = None
        self.observers = []
        super().__init__(self, tag, behavior)

    # --- structure -------------------------------------------------------------------------
    def _schedule(self, key, parent, behavior):
        position = sum(1 for k, _, _ in self.sorted_behavior_execution_list if k <= key)
        self.sorted_behavior_execution_list.insert(position, (key, parent, behavior))

    def _unschedule(self, parent, behavior):
        self.sorted_behavior_execution_list = [
            entry for entry in self.sorted_behavior_execution_list
            if not (entry[1] is parent and entry[2] is behavior)
        ]

    def _add_structure(self, obj, kind_list=None):
        """List ``obj``; a NeuronGroup or SynapseGroup (given ``kind_list``) is also ``net.<tag>``."""
        self.Structures.append(obj)
        if kind_list is not None:
            kind_list.append(obj)
            self._name_structure(obj)
        self._changed_since_initialize = self._initialized
        self._index_synapses()

    def _name_structure(self, obj):
        """``net.<tag>`` is the last group with that first tag; the network's own names are kept."""
        tag, current = obj.tags[0], vars(self).get(obj.tags[0])
        if not hasattr(self, tag) or isinstance(current, NetworkObject) and current is not self:
            setattr(self, tag, obj)

    @property
    def sub_structures(self):
        """The structures whose ``parent_structure`` is the network (not part of another)."""
        return [obj for obj in self.Structures if obj.parent_structure is self]

    def _index_synapses(self):
        """Rebuild every group's afferent/efferent synapse lists (groups created in any order)."""
        tags = {tag for sg in self.SynapseGroups for tag in sg.tags}
        for ng in self.NeuronGroups:
            ng.afferent_synapses = SynapseIndex({"All": [], **{t: [] for t in tags}})
            ng.efferent_synapses = SynapseIndex({"All": [], **{t: [] for t in tags}})
        for sg in self.SynapseGroups:
            for tag in [*sg.tags, "All"]:
                sg.dst.afferent_synapses[tag].append(sg)
                sg.src.efferent_synapses[tag].append(sg)

    def all_objects(self):
        """The network, then every group in creation order."""
        return [self, *self.Structures]

    def clear_tag_cache(self):
        """Nothing to clear: lookups are never cached (kept for code written for pymonntorch)."""

    def all_behaviors(self):
        """Every behavior of every object, in execution order."""
        return [b for _, _, b in self.sorted_behavior_execution_list]

    def find_objects(self, key):
        result = super().find_objects(key)
        for obj in self.Structures:
            result.extend(obj.search(key))
        return result

    # --- observers -------------------------------------------------------------------------
    def add_observer(self, target, length, key=None):
        """A new ``Observer`` recording channels of ``target`` (a group or the network) into rings of
        ``length`` samples, after the behaviors at ``key`` (default: after all). Observers are not
        behaviors: lookups, ``repr`` and snapshots never see them; add and remove them at any time."""
        if target is not self and not any(target is s for s in self.Structures):
            raise ArgumentError(f"{self._label()}.add_observer.target: must be this network or one of its groups, "
                                f"got {describe(target)}")
        observer = Observer(target, length, key)
        self.observers.append(observer)
        return observer

    def remove_observer(self, observer):
        """Stop and forget ``observer`` (nothing happens when it was already removed)."""
        self.observers = [o for o in self.observers if o is not observer]

    def _plan(self, times=None):
        """``(behavior, parent, forward)`` in run order, with the observers after their keys; with a
        ``times`` dict, each behavior's forward also adds its milliseconds there."""
        entries = [(k, b, p) for k, p, b in self.sorted_behavior_execution_list if type(b).forward is not _EMPTY_FORWARD]
        if self.observers:
            entries += [(o.key, o, o.target) for o in self.observers]
            entries.sort(key=lambda e: e[0])    # stable: observers after the behaviors of their key
        return [(b, p, b.forward if times is None or b in self.observers else _timed(b.forward, k, times))
                for k, b, p in entries]

    # --- lifecycle -------------------------------------------------------------------------
    def initialize(self, info=True, warnings=True, storage_manager=None):
        """Initialise every behavior in key order (recorders last), resetting state and iteration.

        With ``info`` the network's summary is printed.
        """
        self.check_unique_tags(warnings)
        self._initialized = False  # until every behavior has initialised: a half-initialised network does not run
        self._iteration = 0
        self._interrupted = None
        order = self.sorted_behavior_execution_list
        for key, parent, behavior in [e for e in order if not e[2].initialize_last] + \
                                     [e for e in order if e[2].initialize_last]:
            behavior._attach(parent)
            if not behavior.initialize_on_init:
                try:
                    behavior.initialize(parent)
                except Exception as error:
                    error.add_note(f"raised in {behavior!r} (key {key}) of {parent._label()} during "
                                   f"initialize(); the network cannot run until initialize() succeeds")
                    raise
                behavior.check_unused_attrs()
        self._initialized = True
        self._changed_since_initialize = False
        for observer in self.observers:
            observer.clear()
        if info:
            print(self)
        if storage_manager is not None:
            storage_manager.save_param("info", str(self))

    def check_unique_tags(self, warnings=True):
        """Give NeuronGroups sharing a first tag distinct names ('exc', 'excb', ...), warning if ``warnings``."""
        seen = []
        for ng in self.NeuronGroups:
            first = ng.tags[0]
            if first in seen:
                new = first + chr(97 + seen.count(first))
                if warnings:
                    warn(
                        f"NeuronGroup tag {first!r} is already used; renamed to {new!r} "
                        f"(give groups distinct tags, extra tags after a comma)",
                        PymonnWarning,
                        stacklevel=3,
                    )
                ng.tags[0] = new
                ng.tags.append(first)
            seen.append(first)

    def simulate_iteration(self, measure_behavior_execution_time=False):
        """Run one iteration; with ``measure_behavior_execution_time`` return ms per behavior key."""
        if not measure_behavior_execution_time:
            self._run(1)
            return None
        times = {}
        self._run(1, times)
        return times

    def simulate_iterations(self, iterations, batch_size=-1, measure_block_time=True,
                            disable_recording=False, batch_progress_update_func=None):
        """Run ``iterations`` iterations, in batches of ``batch_size`` (-1: one batch).

        After each batch ``batch_progress_update_func(percent, net)`` is called; the last batch takes
        the remainder (10 iterations in batches of 3: 3, 3 and 4, reported at 33.3, 66.7, 100 %).

        ``measure_block_time`` prints each batch's duration and returns the last one in ms;
        ``disable_recording`` pauses every recorder for this call. If a behavior raises, the
        exception carries a note naming it, its object and the iteration; state and records are
        kept, and the next call first finishes the interrupted iteration from that behavior.
        """
        iterations = check_int("Network.simulate_iterations", "iterations", iterations, min=0)
        if batch_size != -1:
            batch_size = check_int("Network.simulate_iterations", "batch_size", batch_size, min=1,
                                   expected="a positive int or -1")
        self._check_runnable()
        if batch_size == -1 or batch_size >= iterations:
            batch_size = max(iterations, 1)
        batches = max(iterations // batch_size, 1)
        self._prepare_recorders(iterations)
        elapsed_ms = None
        objects = self.all_objects()
        saved = [obj.recording for obj in objects]
        if disable_recording:
            for obj in objects:
                obj.recording = False
        try:
            for number in range(1, batches + 1):
                size = batch_size if number < batches else iterations - (number - 1) * batch_size
                start = time.perf_counter()
                self._run(size)
                elapsed_ms = (time.perf_counter() - start) * 1000
                if measure_block_time:
                    rate = size / elapsed_ms * 1000 if elapsed_ms else float("inf")
                    print(f"\rbatch {number}/{batches}: {size} iterations in {elapsed_ms:.1f} ms "
                          f"({rate:.0f} it/s)", end="")
                if batch_progress_update_func is not None:
                    batch_progress_update_func(number / batches * 100.0, self)
        finally:
            if disable_recording:
                for obj, flag in zip(objects, saved):
                    obj.recording = flag
            if measure_block_time and elapsed_ms is not None:
                print()
        return elapsed_ms if measure_block_time else None

    def _check_runnable(self):
        if not self._initialized:
            raise StateError(f"{self._label()}: call net.initialize() before simulating")
        if self._changed_since_initialize:
            raise StateError(
                f"{self._label()}: groups or behaviors were added after initialize(); call "
                f"net.initialize() again (it resets state) or add behaviors with add_behavior()"
            )

    def _recorders(self):
        return [b for _, _, b in self.sorted_behavior_execution_list if isinstance(b, Recorder)]

    def _prepare_recorders(self, iterations):
        """Reserve the enabled recorders' buffers for the run (a disabled one grows no more), or warn when
        unbounded ones would not fit in memory."""
        recorders = [r for r in self._recorders() if r.behavior_enabled]
        projected = sum(r._projected_bytes(iterations) for r in recorders)
        available = available_memory(self.device)
        if available is not None and projected > MEMORY_WARNING_FRACTION * available:
            warnings.warn(
                f"{self._label()}: after {iterations} more iterations the recorders without max_length "
                f"would hold {projected / 2**30:.1f} GiB, more than {MEMORY_WARNING_FRACTION:.0%} of the "
                f"{available / 2**30:.1f} GiB available; pass Recorder(..., max_length=...) or gap_width, "
                f"or record less",
                PymonnWarning,
                stacklevel=3,
            )
        budget = RESERVE_FRACTION * available if available is not None else RESERVE_BYTES
        for recorder in recorders:
            recorder._reserve(iterations, budget / max(len(recorders), 1))

    def _run(self, iterations, times=None):
        """The inner loop: ``iterations`` iterations of every enabled behavior in order; with a
        ``times`` dict, also the milliseconds each behavior key took."""
        self._check_runnable()
        plan = self._plan(times)
        if iterations and self._interrupted is not None:
            resume = next((i for i, e in enumerate(plan) if e[0] is self._interrupted[0]
                           and e[1] is self._interrupted[1]), len(plan))
            self._execute(plan[resume:], advance=False)
            iterations -= 1
        for _ in range(iterations):
            self._execute(plan)

    def _execute(self, plan, advance=True):
        """One iteration (``advance``: counting it first), or the rest of an interrupted one.

        Wherever an exception or interrupt arrives, ``_interrupted`` names the first behavior that
        has not finished, so the next run resumes there: no behavior runs twice or is skipped.
        """
        done = -1
        try:
            if advance:
                self._iteration += 1
            done = 0
            for entry in plan:
                if entry[0].behavior_enabled:
                    entry[2](entry[1])
                done += 1
            self._interrupted = None
        except BaseException as error:
            if done < 0:
                raise  # the iteration had not begun
            if done == len(plan):
                self._interrupted = None
                raise
            behavior, parent = plan[done][0], plan[done][1]
            self._interrupted = (behavior, parent)
            if isinstance(error, Exception):
                key = next((k for k, p, b in self.sorted_behavior_execution_list if b is behavior and p is parent),
                           getattr(behavior, "key", None))
                error.add_note(
                    f"raised in {behavior!r} (key {key}) of {parent._label()} at iteration "
                    f"{self._iteration}; state and records are kept, and the next "
                    f"simulate_iterations() call finishes this iteration from this behavior"
                )
            raise

    # --- snapshots -------------------------------------------------------------------------
    def snapshot(self):
        """The exact current state (tensors, numbers, records, iteration, RNG) as a dict.

        ``net.restore(snap)`` brings it back; ``net.save(path)`` / ``net.load(path)`` use a file.
        """
        return take_snapshot(self)

    def restore(self, snapshot):
        """Return to the state of ``snapshot``; continuing then repeats the original run exactly."""
        restore_snapshot(self, snapshot)

    def save(self, path):
        """Save the current state to ``path`` (tensors and numbers only: safe to load)."""
        save_snapshot(self, path)

    def load(self, path):
        """Restore the state saved by ``save`` (loaded with ``weights_only=True``: no code runs)."""
        load_snapshot(self, path)

    # --- recording -------------------------------------------------------------------------
    def recording_off(self):
        """Pause every recorder."""
        for obj in self.all_objects():
            obj.recording = False

    def recording_on(self):
        """Resume every recorder."""
        for obj in self.all_objects():
            obj.recording = True

    def clear_recorder(self, keys=None):
        """Empty the recorders (all, or those at the given behavior keys)."""
        for key, _, behavior in self.sorted_behavior_execution_list:
            if isinstance(behavior, Recorder) and (keys is None or key in keys):
                behavior.clear_recorder()

    def set_behaviors(self, tag, enabled):
        """Enable or disable every behavior found by ``tag`` in the whole network."""
        for obj in self.all_objects():
            NetworkObject.set_behaviors(obj, tag, enabled)

    def __repr__(self):
        neurons = sum(ng.size for ng in self.NeuronGroups)
        synapses = sum(sg.synapse_count() for sg in self.SynapseGroups)
        lines = [
            f"Network{self.tags}(Neurons: {neurons}|{len(self.NeuronGroups)} groups, "
            f"Synapses: {synapses}|{len(self.SynapseGroups)} groups, "
            f"{str(self._def_dtype).replace('torch.', '')} on {self.device}){{{self._behavior_summary()}}}"
        ]
        lines += [repr(obj) for obj in self.Structures]
        return "\n".join(lines)


_EMPTY_FORWARD = Behavior.forward
MEMORY_WARNING_FRACTION = 0.5
RESERVE_FRACTION = 0.125   # most of the free memory one simulate_iterations() call reserves up front
RESERVE_BYTES = 2**30      # the same where free memory is unknown


def _timed(forward, key, times):
    def timed(parent):
        start = time.perf_counter()
        try:
            forward(parent)
        finally:
            times[key] = times.get(key, 0.0) + (time.perf_counter() - start) * 1000
    return timed


def _check_device(device):
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError):
        raise bad_argument("Network", "device", "a torch device such as 'cpu' or 'cuda:0'", device) from None
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ArgumentError(f"Network.device: {device!r} is not available: torch sees no CUDA device")
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ArgumentError(
                f"Network.device: {device!r} is not available: torch sees {torch.cuda.device_count()} CUDA device(s)"
            )
    elif parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ArgumentError(f"Network.device: {device!r} is not available on this machine")
    elif parsed.type not in ("cpu", "cuda", "mps", "xpu", "meta"):
        raise ArgumentError(f"Network.device: unsupported device {describe(device)}")
    return device
