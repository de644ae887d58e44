"""Behaviors shared by the core tests: the tutorial's (from the package), and small probes."""
from pymonntorch_core import Behavior
from pymonntorch_core.tutorial import BasicBehavior, InputBehavior, tutorial_network

__all__ = ["BasicBehavior", "InputBehavior", "tutorial_network", "Log", "Counter"]


class Log(Behavior):
    """Appends (name, phase, iteration) to a shared list on initialize and forward."""

    def __init__(self, log, name, **kwargs):
        super().__init__(**kwargs)
        self.log, self.name = log, name

    def initialize(self, obj):
        super().initialize(obj)
        self.log.append((self.name, "init", obj.iteration))

    def forward(self, obj):
        self.log.append((self.name, "forward", obj.iteration))


class Counter(Behavior):
    """Counts forwards into obj.count; raises at iteration ``fail_at`` while ``self.broken``."""

    def initialize(self, obj):
        super().initialize(obj)
        obj.count = obj.vector("zeros")
        self.fail_at = self.parameter("fail_at", 0)
        self.broken = True

    def forward(self, obj):
        if self.broken and obj.iteration == self.fail_at:
            raise ZeroDivisionError("boom")
        obj.count += 1
