"""Recorder and EventRecorder: record variables and expressions of an object during a run."""
import math
import numbers

import numpy as np
import torch

from .behavior import Behavior
from .buffers import EventBuffer, IterationLog, SampleBuffer
from .checks import check_int
from .errors import ArgumentError, RecorderError, bad_argument, close_matches, describe
from .events import nonzero_rows
from .expressions import Expression

__all__ = ["Recorder", "EventRecorder"]


class Recorder(Behavior):
    """Records variables or expressions of its object, one sample per recorded iteration.

    ``Recorder(['voltage', 'torch.mean(voltage)'], gap_width=0, max_length=None)`` records at its
    own behavior key every ``max(gap_width, 1)`` iterations. Samples stay on the object's device in
    preallocated buffers (a ring of the last ``max_length`` samples when given); ``net['voltage', 0]``
    returns them as a ``(T, ...)`` tensor. Expressions may use ``torch`` and the object's attributes
    only (see ``pymonntorch_core.expressions``); names resolve to the object's attributes whatever
    ``auto_annotate`` says (it is accepted for compatibility).

    Example
    -------
    >>> ng = NeuronGroup(size=10, net=net, behavior={1: Lif(), 9: Recorder(["voltage"])})
    >>> net.initialize(info=False); net.simulate_iterations(100, measure_block_time=False)
    >>> net["voltage", 0].shape
    torch.Size([100, 10])
    """

    initialize_last = True

    def __init__(self, *args, variables=None, gap_width=0, max_length=None, auto_annotate=True, tag=None):
        name = type(self).__name__
        if len(args) > 1:
            raise ArgumentError(f"{name}: takes the variables as its only positional argument, got {len(args)}")
        if args and variables is not None:
            raise ArgumentError(f"{name}: variables given both by position and by keyword")
        if args:
            variables = args[0]
        if isinstance(variables, str):
            variables = [variables]
        if not isinstance(variables, (list, tuple)) or not variables:
            raise bad_argument(name, "variables", "a non-empty list of variable names or expressions", variables)
        check_int(name, "gap_width", gap_width, min=0)
        if max_length is not None:
            check_int(name, "max_length", max_length, min=1, expected="None or an int >= 1")
        expressions = []
        for text in variables:
            try:
                expressions.append(Expression(text))
            except ArgumentError as error:
                raise type(error)(f"{name}.variables: {error}", owner=name, argument="variables") from None
        if len(set(variables)) != len(variables):
            raise ArgumentError(f"{name}.variables: each variable may appear once, got {list(variables)!r}",
                                owner=name, argument="variables")
        kwargs = {"gap_width": gap_width, "max_length": max_length, "auto_annotate": auto_annotate, "tag": tag}
        super().__init__(list(variables), **kwargs)
        self._expressions = expressions
        self._period = max(int(gap_width), 1)
        self._max_length = None if max_length is None else int(max_length)
        self._counter = 0
        self._seen = -1   # the last iteration counted towards the gap
        self._buffers = {e.text: self._new_buffer() for e in expressions}
        self._iterations = IterationLog(self._max_length)

    def _new_buffer(self):
        return SampleBuffer(self._max_length)

    @property
    def gap_width(self):
        return self.init_kwargs["gap_width"]

    @property
    def max_length(self):
        return self._max_length

    @property
    def names(self):
        """The recorded variables and expressions, in the order given."""
        return tuple(self._buffers)

    @property
    def variables(self):
        """``{variable: recorded tensor}``, freshly read."""
        return {name: self.read(name) for name in self._buffers}

    @property
    def count(self):
        """How many times this recorder has recorded since initialise (including dropped samples)."""
        return self._iterations.count

    @property
    def nbytes(self):
        """Bytes of memory the recorded samples take (preallocated room included)."""
        return sum(buffer.nbytes for buffer in self._buffers.values())

    def initialize(self, obj):
        super().initialize(obj)
        self.used_attr_keys.extend(self.init_kwargs)
        self.clear_recorder()

    def clear_recorder(self):
        """Forget everything recorded so far."""
        self._counter = 0
        self._seen = -1
        self._iterations.clear()
        for buffer in self._buffers.values():
            buffer.clear()

    reset = clear_recorder

    def _record_state(self):
        return {"counter": self._counter, "iterations": self._iterations.state(),
                "buffers": {name: buffer.state() for name, buffer in self._buffers.items()}}

    def _check_record_state(self, state):
        """Why ``state`` (from a snapshot) does not fit this recorder, or None."""
        if not isinstance(state, dict) or set(state) != {"counter", "iterations", "buffers"}:
            return "its records must be {'counter', 'iterations', 'buffers'}"
        counter, buffers = state["counter"], state["buffers"]
        if isinstance(counter, bool) or not isinstance(counter, int) or not 0 <= counter <= self._period:
            return f"its gap counter must be an int in [0, {self._period}], got {describe(counter)}"
        if not isinstance(buffers, dict) or list(buffers) != list(self._buffers):
            saved = list(buffers) if isinstance(buffers, dict) else buffers
            return f"it records {list(self._buffers)} here but {describe(saved)} in the snapshot"
        why = self._iterations.check_state(state["iterations"])
        if why:
            return why
        for name, buffer in self._buffers.items():
            why = buffer.check_state(buffers[name], state["iterations"]["count"])
            if why:
                return f"{name!r}: {why}"
        return None

    def _load_record_state(self, state):
        self._counter, self._seen = state["counter"], -1
        self._iterations.load_state(state["iterations"])
        for name, buffer in self._buffers.items():
            buffer.load_state(state["buffers"][name], self.device)

    def _projected_bytes(self, iterations):
        """Bytes the unbounded sample buffers would hold after ``iterations`` more iterations."""
        samples = math.ceil(iterations / self._period)
        return sum(b.projected_bytes(samples) for b in self._buffers.values() if isinstance(b, SampleBuffer))

    def _reserve(self, iterations, budget):
        """Make room for the samples of ``iterations`` more iterations, at most ``budget`` bytes of it
        (a longer run grows the buffers as it goes)."""
        samples = math.ceil(iterations / self._period)
        for buffer in self._buffers.values():
            if isinstance(buffer, SampleBuffer):
                buffer.reserve(samples, budget / len(self._buffers))

    def forward(self, obj):
        """Record every variable as one step: all of them or, if anything fails or is interrupted
        (even by KeyboardInterrupt), none. Running again in the same iteration (finishing an
        interrupted one) neither counts the gap twice nor records twice."""
        if not obj.recording:
            return
        iteration, log = obj.network._iteration, self._iterations
        if iteration != self._seen:
            self._seen, self._counter = iteration, self._counter + 1
        if self._counter < self._period or log.newest == iteration:
            return
        values = [self._evaluate(e, obj) for e in self._expressions]
        count, marks = log.count, self._marks()
        try:
            self._counter = 0
            for expression, value in zip(self._expressions, values):
                self._store(expression.text, value, obj)
            log.append(iteration)  # the commit: until it, the step can be taken back
        except BaseException:
            if log.count == count:
                self._take_back(count, marks)
                self._counter = self._period
            raise

    def _marks(self):
        return None

    def _take_back(self, count, marks):
        """Forget the values stored by a step that did not complete."""
        for buffer in self._buffers.values():
            buffer.drop_to(count)

    def _evaluate(self, expression, obj):
        try:
            value = expression.evaluate(obj)
            if value.__class__ is torch.Tensor:
                return value
        except AttributeError as error:
            missing = [n for n in expression.names if not hasattr(obj, n)]
            if not missing:
                raise self._failure(expression, obj, error) from error
            public = [k for k in vars(obj) if not k.startswith("_")]
            raise RecorderError(
                f"{type(self).__name__} on {obj._label()}: variable {missing[0]!r} of {expression.text!r} "
                f"does not exist at iteration {obj.iteration}{close_matches(missing[0], public)}"
            ) from None
        except ArgumentError:
            raise
        except Exception as error:
            raise self._failure(expression, obj, error) from error
        return self._as_tensor(expression, value, obj)

    def _failure(self, expression, obj, error):
        return RecorderError(
            f"{type(self).__name__} on {obj._label()} could not evaluate {expression.text!r} at "
            f"iteration {obj.iteration}: {error}"
        )

    def _as_tensor(self, expression, value, obj):
        if isinstance(value, torch.Tensor):
            return value
        if isinstance(value, bool):
            return torch.tensor(value)
        if isinstance(value, numbers.Integral):
            return torch.tensor(int(value), dtype=torch.int64)
        if isinstance(value, numbers.Real):
            return torch.tensor(float(value), dtype=obj.def_dtype)
        if isinstance(value, np.ndarray):
            return torch.from_numpy(value)
        raise RecorderError(
            f"{type(self).__name__} on {obj._label()}: {expression.text!r} must give a tensor or a "
            f"number, got {describe(value)}"
        )

    def _store(self, name, value, obj):
        try:
            self._buffers[name].append(value)
        except (ValueError, RuntimeError) as error:  # another shape, or no memory left to grow
            raise RecorderError(f"{type(self).__name__} on {obj._label()}: {name!r}: {error}") from None

    def read(self, name, start=0):
        """The samples of ``name`` recorded since sample number ``start`` (0: all that are kept)."""
        if name not in self._buffers:
            raise ArgumentError(
                f"{type(self).__name__}.read: {name!r} is not recorded here{close_matches(name, self._buffers)} "
                f"(recorded: {', '.join(self._buffers)})"
            )
        return self._buffers[name].read(start)

    def iterations(self, start=0):
        """The iteration of each sample, since sample number ``start``, as an int64 tensor."""
        return self._iterations.read(start)

    def find_objects(self, key):
        if isinstance(key, str) and key in self._buffers:
            return [self.read(key)]
        return []

    def tunable_parameters(self):
        return []

    def __repr__(self):
        extras = "".join(f", {k}={self.init_kwargs[k]!r}" for k, default in
                         (("gap_width", 0), ("max_length", None), ("tag", None)) if self.init_kwargs[k] != default)
        return f"{type(self).__name__}({self.init_kwargs['arg_0']!r}{extras})"


class EventRecorder(Recorder):
    """Records where a tensor is non-zero (e.g. spikes) as rows ``(t, i)``: iteration and index.

    ``net['spike', 0]`` is the ``(K, 2)`` int64 table, ``net['spike.t', 0]`` and ``net['spike.i', 0]``
    its columns. With ``max_length`` only the newest ``max_length`` events are kept.
    """

    def _new_buffer(self):
        return EventBuffer(self._max_length)

    def _marks(self):
        return [buffer.mark() for buffer in self._buffers.values()]

    def _take_back(self, count, marks):
        for buffer, mark in zip(self._buffers.values(), marks):
            buffer.undo(mark)

    def _store(self, name, value, obj):
        try:
            self._buffers[name].append(obj.network._iteration, nonzero_rows(value))
        except ValueError as error:
            raise RecorderError(f"{type(self).__name__} on {obj._label()}: {name!r}: {error}") from None

    def event_count(self, name):
        """How many events of ``name`` were recorded since initialise (including dropped ones)."""
        return self._buffers[name].count

    def find_objects(self, key):
        if not isinstance(key, str):
            return []
        if key in self._buffers:
            return [self.read(key)]
        base, _, column = key.rpartition(".")
        if base in self._buffers and column in ("t", "i", "j", "k"):
            table = self.read(base)
            position = "tijk".index(column)
            return [table[:, position]] if position < table.shape[1] else []
        return []
