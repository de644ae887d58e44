"""The log of live parameter changes, and the Python code that replays it."""
from __future__ import annotations

import dataclasses

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
        simulating up to each change's iteration first and, with ``until``, to that iteration at the end."""
        lines = [
            "# Parameter changes made in pymonn_widgets, replayed at the same iterations.",
            f"# Start from the state the dashboard started from (iteration {self.start_iteration}).",
        ]
        for change in self.changes:
            lines.append(f"net.simulate_iterations({change.iteration} - net.iteration, measure_block_time=False)")
            target = f"{change.path}.behavior[{change.key}]"
            comment = f"  # {change.group} {change.behavior}: {change.old!r} -> {change.new!r}"
            if change.parameter == "behavior_enabled":
                lines.append(f"{target}.behavior_enabled = {change.new!r}{comment}")
            else:
                lines.append(f"{target}.set_parameter({change.parameter!r}, {change.new!r}){comment}")
        if until is not None:
            lines.append(f"net.simulate_iterations({until} - net.iteration, measure_block_time=False)")
        return "\n".join(lines) + "\n"
