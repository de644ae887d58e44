"""Units that behaviors declare (``Behavior.units``), looked up for a group or a whole network."""

__all__ = ["unit_of", "time_step"]


def unit_of(obj, name):
    """The unit that the first behavior of ``obj`` (in key order) declares for ``name``, or None."""
    for _, behavior in sorted(getattr(obj, "behavior", {}).items()):
        unit = behavior.unit(name)
        if unit:
            return unit
    return None


def time_step(net):
    """The network's time step in ms, or None when it has none.

    ``net.dt`` (ms) when set; else the ``dt`` that every behavior declaring ``units["dt"] == "ms"``
    agrees on (None when they disagree or none declares one).
    """
    dt = getattr(net, "dt", None)
    if isinstance(dt, (int, float)) and not isinstance(dt, bool) and dt > 0:
        return float(dt)
    found = {float(b.dt) for b in net.all_behaviors()
             if b.unit("dt") == "ms" and isinstance(getattr(b, "dt", None), (int, float))}
    return found.pop() if len(found) == 1 else None
