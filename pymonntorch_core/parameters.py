"""Tunable parameters of behaviors: what a slider may show and set while a network runs."""
import dataclasses
import math
import numbers

import torch

from .errors import ArgumentError, close_matches, describe

__all__ = ["Parameter", "ParameterSpec"]


@dataclasses.dataclass(frozen=True)
class ParameterSpec:
    """What a behavior declares about a parameter: its range, step, unit and meaning."""

    min: float | None = None
    max: float | None = None
    step: float | None = None
    unit: str | None = None
    description: str | None = None

    @classmethod
    def coerce(cls, owner, name, spec):
        """A ParameterSpec from a spec, a dict of its fields or a ``(min, max[, step])`` tuple."""
        if isinstance(spec, cls):
            return spec
        try:
            if isinstance(spec, dict):
                return cls(**spec)
            if isinstance(spec, (tuple, list)) and 2 <= len(spec) <= 3:
                return cls(*spec)
        except TypeError:
            pass
        raise ArgumentError(
            f"{owner}.parameter_ranges[{name!r}]: must be a ParameterSpec, a dict of its fields or "
            f"a (min, max[, step]) tuple, got {describe(spec)}"
        )


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A tunable number of a behavior, as found by ``Behavior.tunable_parameters()``.

    ``kind`` is ``"bool"``, ``"int"`` or ``"float"``; ``min``/``max``/``step``/``unit``/``description``
    are None unless the behavior declared them.
    """

    name: str
    value: bool | int | float
    kind: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    unit: str | None = None
    description: str | None = None


def kind_of(value):
    """'bool', 'int' or 'float' for a tunable value (a number or a one-element tensor), else None."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            return None
        return "bool" if value.dtype == torch.bool else ("float" if value.is_floating_point() else "int")
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "int"
    if isinstance(value, numbers.Real):
        return "float"
    return None


def as_python(value):
    """A Python number from a tunable value."""
    return value.item() if isinstance(value, torch.Tensor) else value


def check_value(owner, parameter, value):
    """``value`` converted to the parameter's kind, or an ArgumentError saying what was expected."""
    where = f"{owner}.{parameter.name}"
    if parameter.kind == "bool":
        if not isinstance(value, (bool, numbers.Integral)) or value not in (0, 1):
            raise ArgumentError(f"{where}: must be True or False, got {describe(value)}")
        return bool(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError(f"{where}: must be a number, got {describe(value)}")
    if not math.isfinite(value):
        raise ArgumentError(f"{where}: must be a finite number, got {value!r}")
    if parameter.kind == "int":
        if value != int(value):
            raise ArgumentError(f"{where}: must be a whole number, got {value!r}")
        value = int(value)
    else:
        value = float(value)
    low = -math.inf if parameter.min is None else parameter.min
    high = math.inf if parameter.max is None else parameter.max
    if not low <= value <= high:
        raise ArgumentError(f"{where}: must lie in [{parameter.min}, {parameter.max}], got {value!r}")
    return value


def unknown_parameter(owner, name, parameters):
    names = [p.name for p in parameters]
    return ArgumentError(
        f"{owner}.set_parameter: no tunable parameter {name!r}{close_matches(name, names)} "
        f"(tunable: {', '.join(names) or 'none'})"
    )
