"""The log of live parameter changes, and the Python code that replays it."""
from __future__ import annotations

import ast
import dataclasses
import math
import re

from pymonntorch_core import ArgumentError

__all__ = ["Change", "ChangeLog", "object_path"]


@dataclasses.dataclass(frozen=True)
class Change:
    """One change: made after ``iteration`` iterations, so it applies from iteration ``iteration + 1``."""

    iteration: int
    group: str
    behavior: str
    key: int
    parameter: str
    old: bool | int | float
    new: bool | int | float
    path: str  # Python expression of the changed object, relative to ``net``


def object_path(net, obj) -> str:
    """``net``, ``net.NeuronGroups[i]`` or ``net.SynapseGroups[i]`` (synapse tags may repeat)."""
    if obj is net:
        return "net"
    for name in ("NeuronGroups", "SynapseGroups"):
        for index, item in enumerate(getattr(net, name)):
            if item is obj:
                return f"net.{name}[{index}]"
    raise ValueError(f"{obj!r} is not part of this network")


class ChangeLog:
    """Changes in the order they were made. Changes of the same parameter within one iteration are
    merged (a dragged slider gives one entry: the first old value, the last new one)."""

    def __init__(self, start_iteration: int = 0):
        self.start_iteration = start_iteration
        self.changes: list[Change] = []

    def __len__(self):
        return len(self.changes)

    def __iter__(self):
        return iter(self.changes)

    def add(self, change: Change) -> Change:
        last = self.changes[-1] if self.changes else None
        if last is not None and (last.iteration, last.path, last.key, last.parameter) == \
                (change.iteration, change.path, change.key, change.parameter):
            change = dataclasses.replace(change, old=last.old)
            self.changes[-1] = change
            if change.old == change.new:
                self.changes.pop()
        else:
            self.changes.append(change)
        return change

    def clear(self, start_iteration: int = 0):
        self.start_iteration = start_iteration
        self.changes.clear()

    def rows(self) -> list[tuple]:
        """``(iteration, group, behavior, parameter, old, new)`` per change."""
        return [(c.iteration, c.group, c.behavior, c.parameter, c.old, c.new) for c in self.changes]

    def to_dataframe(self):
        """The log as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=["iteration", "group", "behavior", "parameter", "old", "new"])

    def to_python(self, until: int | None = None) -> str:
        """Python code that replays the changes on ``net`` (restored to iteration ``start_iteration``),
        simulating up to each change's iteration first and, with ``until``, to that iteration at the end.

        Every user string (tags, class and parameter names) is quoted with ``repr``, also in comments,
        and the text is parsed again before it is returned: it holds only the statements meant here.
        """
        lines = [
            "# Parameter changes made in pymonn_widgets, replayed at the same iterations.",
            f"# Start from the state the dashboard started from (iteration {_int(self.start_iteration)}).",
        ]
        for change in self.changes:
            lines.append(f"net.simulate_iterations({_int(change.iteration)} - net.iteration, measure_block_time=False)")
            target = f"{_path(change.path)}.behavior[{_int(change.key)}]"
            comment = f"  # {change.group!r} {change.behavior!r}: {_number(change.old)} -> {_number(change.new)}"
            if change.parameter == "behavior_enabled":
                lines.append(f"{target}.behavior_enabled = {_number(change.new)}{comment}")
            else:
                lines.append(f"{target}.set_parameter({str(change.parameter)!r}, {_number(change.new)}){comment}")
        if until is not None:
            lines.append(f"net.simulate_iterations({_int(until)} - net.iteration, measure_block_time=False)")
        code = "\n".join(lines) + "\n"
        _check_replay(code)
        return code


_PATH = re.compile(r"net(\.(NeuronGroups|SynapseGroups)\[\d+\])?")


def _int(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentError(f"ChangeLog.to_python: an iteration or key must be an int, got {value!r:.60}")
    return repr(int(value))


def _number(value) -> str:
    """A bool, int or finite float as a literal (anything else is refused)."""
    if isinstance(value, bool):
        return repr(bool(value))
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    raise ArgumentError(f"ChangeLog.to_python: a logged value must be a bool, int or finite float, got {value!r:.60}")


def _path(path) -> str:
    if not isinstance(path, str) or not _PATH.fullmatch(path):
        raise ArgumentError(f"ChangeLog.to_python: {path!r:.60} is not a path made by object_path()")
    return path


def _check_replay(code: str):
    """Refuse replay code holding anything but the three statement shapes ``to_python`` writes."""
    for statement in ast.parse(code).body:
        if not (_is_call(statement, "simulate_iterations") or _is_call(statement, "set_parameter")
                or _is_switch(statement)):
            raise ArgumentError(f"ChangeLog.to_python: unexpected statement {ast.unparse(statement)[:80]!r}")


def _is_call(statement, method):
    call = statement.value if isinstance(statement, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == method
            and all(_is_literal(a) or _is_remaining(a) for a in call.args)
            and all(_is_literal(k.value) for k in call.keywords))


def _is_switch(statement):
    return (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Attribute) and statement.targets[0].attr == "behavior_enabled"
            and _is_literal(statement.value))


def _is_literal(node):
    return isinstance(node, ast.Constant) or (isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant))


def _is_remaining(node):  # ``123 - net.iteration``
    return (isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Attribute)
            and node.right.attr == "iteration" and isinstance(node.right.value, ast.Name) and node.right.value.id == "net")
