"""Behavior: the unit of dynamics, with an ``initialize(obj)`` / ``forward(obj)`` lifecycle."""
import re
import warnings

import torch

from .errors import ArgumentError, PymonnWarning, close_matches
from .parameters import (
    Parameter,
    ParameterSpec,
    as_python,
    check_value,
    kind_of,
    unknown_parameter,
)
from .tagging import TaggableObject

__all__ = ["Behavior"]

# Attributes every behavior has that are not tunable parameters.
_RESERVED = frozenset({"init_kwargs", "tags", "device", "behavior_enabled", "used_attr_keys"})


class Behavior(TaggableObject):
    """Dynamics attached to a network object under an int key.

    Subclasses override ``initialize(obj)`` (called by ``Network.initialize``; call ``super()`` first)
    and ``forward(obj)`` (called once per iteration, in key order across the whole network).
    Constructor keyword arguments are kept in ``init_kwargs`` and read with ``parameter``.
    Numbers a behavior stores on itself (``self.threshold = 2.0``) are tunable while a run goes on;
    declare their ranges in the class attribute ``parameter_ranges`` or through ``parameter``, and
    the units of parameters and of the variables they create in ``units`` (e.g.
    ``{"tau": "ms", "voltage": "mV"}``; a time step named ``dt`` in ``"ms"`` gives plots a time axis).

    Example
    -------
    >>> class Leak(Behavior):
    ...     parameter_ranges = {"tau": (1.0, 100.0, 1.0)}
    ...     units = {"tau": "ms", "voltage": "mV"}
    ...     def initialize(self, neurons):
    ...         super().initialize(neurons)
    ...         self.tau = self.parameter("tau", 10.0)
    ...     def forward(self, neurons):
    ...         neurons.voltage -= neurons.voltage / self.tau
    """

    initialize_on_init = False
    initialize_last = False
    parameter_ranges = {}
    units = {}

    def __init__(self, *args, **kwargs):
        self.init_kwargs = dict(kwargs)
        for i, arg in enumerate(args):
            self.init_kwargs[f"arg_{i}"] = arg
        self.used_attr_keys = []
        self._specs = {}
        self._owner = None
        self.behavior_enabled = bool(self.parameter("behavior_enabled", True))
        self.device = self.parameter("device", None)
        super().__init__(self.parameter("tag", None))

    def initialize(self, obj):
        """Create the state this behavior needs on ``obj``; subclasses call super() first."""
        self.device = obj.device

    def forward(self, obj):
        """Advance ``obj`` by one iteration."""

    def __call__(self, obj):
        return self.forward(obj)

    def _attach(self, obj):
        self._owner = obj

    @property
    def owner(self):
        """The object this behavior was initialised on, or None."""
        return self._owner

    def parameter(self, key, default=None, object=None, do_not_diversify=False, search_other_behaviors=False,
                  tensor=False, required=False, *, min=None, max=None, step=None, unit=None, description=None):
        """The constructor argument ``key``, or ``default`` when it was not given (or None).

        A string given for a numeric default is converted (``"50%"`` becomes 0.5). With ``object``, a
        mode string such as ``"normal(0, 1)"`` becomes ``object.vector(...)`` (``matrix`` for synapses)
        and ``"same(tag, name)"`` is ``object[tag, 0].name``, unless ``do_not_diversify``;
        ``search_other_behaviors`` takes a missing ``key`` from the object's other behaviors. Range,
        step, unit and description, when given, describe the parameter to ``tunable_parameters``.
        """
        self.used_attr_keys.append(key)
        if required and self.init_kwargs.get(key) is None:
            raise ArgumentError(f"{type(self).__name__}.{key}: is required, got None")
        if any(v is not None for v in (min, max, step, unit, description)):
            self._specs[key] = ParameterSpec(min, max, step, unit, description)
        result = self.init_kwargs.get(key)
        if key not in self.init_kwargs and search_other_behaviors and object is not None:
            for other in object.behavior.values():
                result = other.init_kwargs.get(key, result)
        if result is None:
            result = default
        if isinstance(result, str) and object is not None and not do_not_diversify:
            result = self._diversify(key, result, object)
        if isinstance(result, str) and default is not None and not isinstance(default, str):
            result = _convert(type(self).__name__, key, result, default)
        if tensor and result is not None:
            device = object.device if object is not None else self.device
            result = torch.tensor(result, device=device)
            if result.is_floating_point() and object is not None:
                result = result.to(object.def_dtype)
        return result

    def _diversify(self, key, text, obj):
        same = _SAME.fullmatch(text)
        if same is not None:
            found = obj[same.group(1), 0]
            if found is None or not hasattr(found, same.group(2)):
                raise ArgumentError(
                    f"{type(self).__name__}.{key}: {text!r} names nothing: {obj._label()} has no "
                    f"{same.group(1)!r} with an attribute {same.group(2)!r}"
                )
            return getattr(found, same.group(2))
        make = getattr(obj, "vector", None) or getattr(obj, "matrix", None)
        return make(text) if make is not None and "(" in text and ")" in text else text

    def set_parameters_as_variables(self, object):
        """Copy every constructor argument onto ``object`` (mode strings such as "ones()" become tensors)."""
        for key in self.init_kwargs:
            setattr(object, key, self.parameter(key, None, object=object))

    @property
    def empty_iteration_function(self):
        """True when ``forward`` does nothing (its body is only ``pass``, ``...`` or a docstring)."""
        code = getattr(self.forward, "__code__", None)
        if code is None:
            return False
        constants = set(code.co_consts) - {getattr(self.forward, "__doc__", None)}
        return code.co_code in _EMPTY_BODIES and constants <= {None, Ellipsis}

    def is_empty_iteration_function(self):
        """The published package's name for ``empty_iteration_function``."""
        return self.empty_iteration_function

    def check_unused_attrs(self):
        """Warn about constructor arguments that ``initialize`` never read (often a typo)."""
        for key in self.init_kwargs:
            if key not in self.used_attr_keys:
                warnings.warn(
                    f"{type(self).__name__}: argument {key!r} was never read by initialize"
                    f"{close_matches(key, self.used_attr_keys)}",
                    PymonnWarning,
                    stacklevel=3,
                )

    def tunable_parameters(self):
        """The behavior's tunable numbers, in the order they were set, as ``Parameter`` records.

        A tunable number is a public attribute holding a bool, an int, a float or a one-element
        tensor. Changing it with ``set_parameter`` (or plain assignment) between two iterations
        takes effect at the next one.
        """
        declared = {name: ParameterSpec.coerce(type(self).__name__, name, spec)
                    for name, spec in type(self).parameter_ranges.items()}
        declared.update(self._specs)
        result = []
        for name, value in vars(self).items():
            kind = None if name.startswith("_") or name in _RESERVED else kind_of(value)
            if kind is not None:
                spec = vars(declared.get(name, ParameterSpec())).copy()
                spec["unit"] = spec["unit"] or self.unit(name)
                result.append(Parameter(name, as_python(value), kind, **spec))
        return result

    def unit(self, name):
        """The declared unit of parameter or variable ``name`` (``units``, then ``parameter(unit=)``), or None."""
        spec = self._specs.get(name)
        return type(self).units.get(name) or (spec.unit if spec is not None else None)

    def set_parameter(self, name, value):
        """Set a tunable parameter after checking its type and declared range; returns the old value."""
        owner = type(self).__name__
        parameters = self.tunable_parameters()
        found = next((p for p in parameters if p.name == name), None)
        if found is None:
            raise unknown_parameter(owner, name, parameters)
        value = check_value(owner, found, value)
        current = getattr(self, name)
        if isinstance(current, torch.Tensor):
            current.fill_(value)
        else:
            setattr(self, name, value)
        return found.value

    def __repr__(self):
        parts = []
        for key, value in self.init_kwargs.items():
            parts.append(repr(value) if key.startswith("arg_") else f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


_SAME = re.compile(r"same\(\s*([^,()]+?)\s*,\s*([A-Za-z]\w*)\s*\)")


def _pass(obj):
    pass


def _ellipsis(obj):
    ...


def _documented(obj):
    """A docstring only."""


_EMPTY_BODIES = frozenset(f.__code__.co_code for f in (_pass, _ellipsis, _documented))


def _convert(owner, key, text, default):
    try:
        if text.strip().endswith("%"):
            return type(default)(float(text.strip()[:-1]) / 100.0)
        return type(default)(text)
    except ValueError:
        raise ArgumentError(
            f"{owner}.{key}: must be a {type(default).__name__} like {default!r}, got {text!r}"
        ) from None
