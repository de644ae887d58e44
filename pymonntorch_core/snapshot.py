"""Snapshots: the exact state of a network (tensors, numbers, records, iteration, RNG) saved and restored.

A snapshot is a plain dict of tensors and numbers, so files are written with ``torch.save`` and read
back with ``torch.load(..., weights_only=True)``: loading never unpickles code. Restoring is
all-or-nothing: the whole snapshot is checked against the current network first (structure, class
names, attribute names, shapes, dtypes, recorders, RNG), and only state is ever written back: never
methods, tags, constructor arguments or other structure. A snapshot that does not fit changes nothing
and is refused with an error that says what differs.
"""
import numbers

import torch

from .errors import ArgumentError, describe

__all__ = ["take_snapshot", "restore_snapshot", "save_snapshot", "load_snapshot"]

_FORMAT = "pymonntorch_core.snapshot/1"
_SKIPPED = frozenset({"tags", "init_kwargs", "used_attr_keys", "device"})
_WHERE = "Network.restore.snapshot"


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


def _refuse(why):
    return ArgumentError(f"{_WHERE}: {why}; nothing was restored", owner="Network.restore", argument="snapshot")


def _field(mapping, key, types, where):
    """``mapping[key]`` if it is one of ``types`` (a bool only where bool is named), else a refusal."""
    types = types if isinstance(types, tuple) else (types,)
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise _refuse(f"{where}[{key!r}] must be {' or '.join(t.__name__ for t in types)}, got {describe(value)}")
    return value


def _check_value(path, part, name, value):
    """``value`` may be restored as ``part.<name>``: state, of the kind and shape it has now."""
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_") or name in _SKIPPED:
        raise _refuse(f"{path} names {describe(name)}, which is not a state attribute")
    if not _plain(value):
        raise _refuse(f"{path}.{name} must be a tensor or a number, got {describe(value)}")
    current = vars(part).get(name, _MISSING)
    if current is _MISSING:
        if hasattr(type(part), name):
            raise _refuse(f"{path}.{name} would replace {type(part).__name__}.{name}, which is not state")
        return
    if not _plain(current):
        raise _refuse(f"{path}.{name} would replace {describe(current)}, which is not state")
    if isinstance(current, torch.Tensor) != isinstance(value, torch.Tensor):
        raise _refuse(f"{path}.{name} is {_kind(current)} here but {_kind(value)} in the snapshot")
    if isinstance(current, torch.Tensor) and (current.shape != value.shape or current.dtype != value.dtype):
        raise _refuse(f"{path}.{name} is {_kind(current)} here but {_kind(value)} in the snapshot")
    if isinstance(current, bool) != isinstance(value, bool):
        raise _refuse(f"{path}.{name} is {_kind(current)} here but {_kind(value)} in the snapshot")
    if name == "size" and current != value:
        raise _refuse(f"{path} has {current} neurons here but {value} in the snapshot")


_MISSING = object()


def _kind(value):
    if isinstance(value, torch.Tensor):
        return f"a {str(value.dtype).replace('torch.', '')} tensor of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"


def _check_rng(rng):
    state = _field(rng, "cpu", torch.Tensor, "rng")
    try:
        torch.Generator().set_state(state)
    except (RuntimeError, TypeError, ValueError) as error:
        raise _refuse(f"rng['cpu'] is not a torch random state ({error})") from None
    if "cuda" in rng and torch.cuda.is_available():
        states, current = rng["cuda"], torch.cuda.get_rng_state_all()
        if not isinstance(states, (list, tuple)) or len(states) != len(current) or any(
                not isinstance(s, torch.Tensor) or s.dtype != c.dtype or s.shape != c.shape
                for s, c in zip(states, current)):
            raise _refuse(f"rng['cuda'] must hold {len(current)} CUDA random states like this machine's")


def check_snapshot(net, snapshot):
    """Raise an ArgumentError saying what differs unless ``snapshot`` fits ``net`` exactly."""
    if not isinstance(snapshot, dict) or snapshot.get("format") != _FORMAT:
        raise ArgumentError(f"{_WHERE}: must be a dict made by Network.snapshot(), got {describe(snapshot)}",
                            owner="Network.restore", argument="snapshot")
    iteration = _field(snapshot, "iteration", numbers.Integral, "snapshot")
    if iteration < 0:
        raise _refuse(f"snapshot['iteration'] must be >= 0, got {iteration}")
    _check_rng(_field(snapshot, "rng", dict, "snapshot"))
    saved = _field(snapshot, "parts", dict, "snapshot")
    parts = dict(_parts(net))
    if parts.keys() != saved.keys():
        differ = sorted(set(saved) ^ set(parts), key=str)[:3]
        raise _refuse(f"the network's structure differs from the snapshot's (at {', '.join(map(str, differ))})")
    for path, part in parts.items():
        entry = saved[path]
        if _field(entry, "class", str, path) != type(part).__name__:
            raise _refuse(f"{path} is a {type(part).__name__} here but a {entry['class']} in the snapshot")
        for name, value in _field(entry, "values", dict, path).items():
            _check_value(path, part, name, value)
        has_records = hasattr(part, "_record_state")
        if has_records != ("records" in entry):
            raise _refuse(f"{path} {'records' if has_records else 'does not record'} here, unlike in the snapshot")
        if has_records:
            why = part._check_record_state(entry["records"])
            if why:
                raise _refuse(f"{path} ({part!r}): {why}")


def _writable(tensor):
    """False for views that repeat memory (``expand``: stride 0), which ``copy_`` cannot fill."""
    return tensor.layout == torch.strided and all(s or n <= 1 for s, n in zip(tensor.stride(), tensor.shape))


def restore_snapshot(net, snapshot):
    """Put ``net`` back into the state of ``snapshot`` (taken from a network of the same structure);
    checks the whole snapshot first and changes nothing if it does not fit."""
    check_snapshot(net, snapshot)
    saved = snapshot["parts"]
    for path, part in _parts(net):
        values = saved[path]["values"]
        for name in [n for n, v in vars(part).items() if isinstance(v, torch.Tensor) and not n.startswith("_")
                     and n not in values and n not in _SKIPPED]:
            delattr(part, name)
        for name, value in values.items():
            current = vars(part).get(name)
            if isinstance(current, torch.Tensor) and _writable(current):
                current.copy_(value)
            else:
                setattr(part, name, value.clone().to(part.device or value.device)
                        if isinstance(value, torch.Tensor) else value)
        if "records" in saved[path]:
            part._load_record_state(saved[path]["records"])
    net._iteration = int(snapshot["iteration"])
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
        raise ArgumentError(f"Network.load.path: {str(path)!r} is not a snapshot file: {error}",
                            owner="Network.load", argument="path") from None
    restore_snapshot(net, snapshot)
