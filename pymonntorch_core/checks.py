"""Argument checks declared once and used by the core and the widgets alike.

Each ``check_*`` returns the value converted to its plain Python type, or raises an ``ArgumentError``
(with ``owner`` and ``argument`` fields) worded ``Owner.argument: must be <what>, got <value>``.
Strings are never taken for numbers or bools, and no value is judged by its truthiness.
"""
import math
import numbers
import os
import time

import torch

from .errors import ArgumentError, describe

__all__ = ["check_int", "check_number", "check_bool", "check_choice", "check_index", "check_allocation",
           "available_memory"]


def bad_argument(owner, argument, expected, value):
    """The ArgumentError of every check: ``Owner.argument: must be <expected>, got <value>``."""
    got = f"the string {value[:60]!r}" if isinstance(value, str) else describe(value)
    return ArgumentError(f"{owner}.{argument}: must be {expected}, got {got}", owner=owner, argument=argument)


def _range(kind, low, high):
    if low is not None and high is not None:
        return f"{kind} in [{low}, {high}]"
    if low is not None:
        return f"{kind} >= {low}"
    if high is not None:
        return f"{kind} <= {high}"
    return kind


def check_int(owner, argument, value, *, min=None, max=None, expected=None):
    """An int (no bool, no float, no str) within ``[min, max]`` (``expected`` words it otherwise)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or \
            (min is not None and value < min) or (max is not None and value > max):
        raise bad_argument(owner, argument, expected or _range("an int", min, max), value)
    return int(value)


def check_number(owner, argument, value, *, min=None, max=None):
    """A finite real number (no bool, no str, no nan or inf) within ``[min, max]``, as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or \
            (min is not None and value < min) or (max is not None and value > max):
        raise bad_argument(owner, argument, _range("a finite number", min, max), value)
    return float(value)


def check_bool(owner, argument, value):
    """True or False (also 0 or 1 as an int); never a string or other truthy value."""
    if isinstance(value, numbers.Integral) and not isinstance(value, torch.Tensor) and value in (0, 1):
        return bool(value)
    raise bad_argument(owner, argument, "True or False", value)


def check_choice(owner, argument, value, choices):
    """One of ``choices`` (compared by equality, only with values of hashable, plain types)."""
    for choice in choices:
        if type(value) is type(choice) and value == choice:
            return choice
    raise bad_argument(owner, argument, f"one of {', '.join(repr(c) for c in choices)}", value)


def check_index(owner, argument, value, size):
    """An int index into a sequence of ``size`` items: ``0 <= value < size``."""
    if size <= 0:
        raise bad_argument(owner, argument, "an index, but there is nothing to choose from", value)
    return check_int(owner, argument, value, min=0, max=size - 1, expected=f"an int index in [0, {size})")


def available_memory(device):
    """Bytes free for new tensors on ``device`` (on Linux CPUs ``MemAvailable``: free memory plus
    the cache the kernel gives back), or None when unknown."""
    kind = torch.device(device).type
    if kind == "cuda":
        return torch.cuda.mem_get_info(torch.device(device))[0]
    if kind != "cpu":
        return None
    now = time.monotonic()
    if now - _host_memory[0] > HOST_MEMORY_MAX_AGE:   # read at most a few times a second (runs in chunks ask often)
        _host_memory[:] = [now, _read_host_memory()]
    return _host_memory[1]


HOST_MEMORY_MAX_AGE = 0.25   # seconds a reading of the host's free memory is reused
_host_memory = [float("-inf"), None]


def _read_host_memory():
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_allocation(owner, argument, elements, dtype, device, what="this tensor"):
    """Refuse, before allocating, a tensor of ``elements`` that could not fit in free memory."""
    size = torch.empty((), dtype=dtype, device="meta").element_size()
    needed = int(elements) * size
    available = available_memory(device)
    if available is not None and needed > available:
        raise ArgumentError(
            f"{owner}.{argument}: {what} needs {_bytes(needed)} ({int(elements):,} x {size} bytes), more "
            f"than the {_bytes(available)} free on {device}", owner=owner, argument=argument)
    return needed


def _bytes(count):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if count < 1024 or unit == "PiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
