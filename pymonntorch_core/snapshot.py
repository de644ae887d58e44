"""Snapshots: the exact state of a network (tensors, numbers, records, iteration, RNG) saved and restored.

A snapshot is a plain dict of tensors and numbers, so files are written with ``torch.save`` and read
back with ``torch.load(..., weights_only=True)``: loading never unpickles code.
"""
import numbers

import torch

from .errors import ArgumentError, describe

__all__ = ["take_snapshot", "restore_snapshot", "save_snapshot", "load_snapshot"]

_FORMAT = "pymonntorch_core.snapshot/1"
_SKIPPED = frozenset({"tags", "init_kwargs", "used_attr_keys", "device"})


def _plain(value):
    return isinstance(value, torch.Tensor) or (isinstance(value, (bool, numbers.Real)) and
                                               not isinstance(value, torch.dtype))


def _state_of(thing):
    return {name: (value.clone() if isinstance(value, torch.Tensor) else value)
            for name, value in vars(thing).items()
            if not name.startswith("_") and name not in _SKIPPED and _plain(value)}


def _parts(net):
    """Every stateful part of ``net`` under a stable path: objects, then their behaviors by key."""
    for index, obj in enumerate(net.all_objects()):
        path = "network" if obj is net else f"structure/{index - 1}"
        yield path, obj
        for key, behavior in obj.behavior.items():
            yield f"{path}/behavior/{key}", behavior


def take_snapshot(net):
    """The network's full state as a dict of tensors and numbers (tensors are copies)."""
    parts = {}
    for path, part in _parts(net):
        parts[path] = {"class": type(part).__name__, "values": _state_of(part)}
        if hasattr(part, "_record_state"):
            parts[path]["records"] = part._record_state()
    rng = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        rng["cuda"] = torch.cuda.get_rng_state_all()
    return {"format": _FORMAT, "iteration": net._iteration, "rng": rng, "parts": parts}


def _writable(tensor):
    """False for views that repeat memory (``expand``: stride 0), which ``copy_`` cannot fill."""
    return tensor.layout == torch.strided and all(s or n <= 1 for s, n in zip(tensor.stride(), tensor.shape))


def restore_snapshot(net, snapshot):
    """Put ``net`` back into the state of ``snapshot`` (taken from a network of the same structure)."""
    if not isinstance(snapshot, dict) or snapshot.get("format") != _FORMAT:
        raise ArgumentError(f"Network.restore.snapshot: must be a dict made by Network.snapshot(), got {describe(snapshot)}")
    parts = dict(_parts(net))
    saved = snapshot["parts"]
    if parts.keys() != saved.keys():
        missing = sorted(set(saved) ^ set(parts))[:3]
        raise ArgumentError(f"Network.restore.snapshot: the network's structure differs from the snapshot's (at {', '.join(missing)})")
    for path, part in parts.items():
        if type(part).__name__ != saved[path]["class"]:
            raise ArgumentError(
                f"Network.restore.snapshot: {path} is a {type(part).__name__} here but a "
                f"{saved[path]['class']} in the snapshot"
            )
    for path, part in parts.items():
        values = saved[path]["values"]
        for name in [n for n, v in vars(part).items() if isinstance(v, torch.Tensor) and not n.startswith("_")
                     and n not in values]:
            delattr(part, name)
        for name, value in values.items():
            current = getattr(part, name, None)
            if isinstance(value, torch.Tensor) and isinstance(current, torch.Tensor) and \
                    current.shape == value.shape and current.dtype == value.dtype and _writable(current):
                current.copy_(value)
            else:
                setattr(part, name, value.clone().to(part.device or value.device)
                        if isinstance(value, torch.Tensor) else value)
        if "records" in saved[path]:
            part._load_record_state(saved[path]["records"])
    net._iteration = snapshot["iteration"]
    net._interrupted = None
    torch.set_rng_state(snapshot["rng"]["cpu"])
    if "cuda" in snapshot["rng"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(snapshot["rng"]["cuda"])


def save_snapshot(net, path):
    """Write the network's state to ``path`` (a torch file of tensors and numbers only)."""
    torch.save(take_snapshot(net), path)


def load_snapshot(net, path):
    """Restore the network's state from a file written by ``save``, without unpickling code."""
    try:
        snapshot = torch.load(path, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise
    except Exception as error:
        raise ArgumentError(f"Network.load.path: {str(path)!r} is not a snapshot file: {error}") from None
    restore_snapshot(net, snapshot)
