"""Mode strings that fill new tensors: ``"zeros"``, ``"uniform"``, ``"normal(0, 1)"``, ``2.5`` ...

A mode is parsed once (cached) into a factory ``make(shape, device, dtype) -> Tensor``. Random modes
draw from torch's global generator, so ``torch.manual_seed`` makes them reproducible.
"""
import ast
import functools
import math
import numbers

import torch

from .errors import ArgumentError, close_matches, describe

__all__ = ["make_tensor", "MODE_NAMES"]


def _filled(value):
    return lambda shape, device, dtype: torch.full(shape, value, device=device, dtype=dtype)


def _uniform(low=0.0, high=1.0):
    if low == 0.0 and high == 1.0:
        return lambda shape, device, dtype: torch.rand(shape, device=device, dtype=dtype)
    return lambda shape, device, dtype: torch.rand(shape, device=device, dtype=dtype) * (high - low) + low


def _normal(mean=0.0, std=1.0):
    _check(std >= 0, "normal", "std must be >= 0")
    return lambda shape, device, dtype: torch.normal(mean, std, shape, device=device, dtype=dtype)


def _randn():
    return lambda shape, device, dtype: torch.randn(shape, device=device, dtype=dtype)


def _randint(low, high=None):
    if high is None:
        low, high = 0, low
    _check(high > low, "randint", "high must be greater than low")
    return lambda shape, device, dtype: torch.randint(low, high, shape, device=device, dtype=dtype)


def _in_place(method, *args):
    def make(shape, device, dtype):
        return getattr(torch.empty(shape, device=device, dtype=dtype), method)(*args)
    return make


def _exponential(rate=1.0):
    _check(rate > 0, "exponential", "rate must be > 0")
    return _in_place("exponential_", rate)


def _lognormal(mean=0.0, std=1.0):
    _check(std > 0, "lognormal", "std must be > 0")
    return _in_place("log_normal_", mean, std)


def _cauchy(median=0.0, sigma=1.0):
    _check(sigma > 0, "cauchy", "sigma must be > 0")
    return _in_place("cauchy_", median, sigma)


def _geometric(p):
    _check(0 < p <= 1, "geometric", "p must be in (0, 1]")
    return _in_place("geometric_", p)


def _bernoulli(p=0.5):
    _check(0 <= p <= 1, "bernoulli", "p must be in [0, 1]")
    return lambda shape, device, dtype: torch.bernoulli(torch.full(shape, p, device=device, dtype=dtype))


def _poisson(rate):
    _check(rate >= 0, "poisson", "rate must be >= 0")
    return lambda shape, device, dtype: torch.poisson(torch.full(shape, rate, device=device, dtype=dtype))


_FACTORIES = {
    "zeros": lambda: _filled(0.0),
    "ones": lambda: _filled(1.0),
    "full": lambda value: _filled(value),
    "uniform": _uniform, "random": _uniform, "rand": _uniform, "rnd": _uniform,
    "normal": _normal, "randn": _randn, "randint": _randint,
    "exponential": _exponential, "lognormal": _lognormal, "log_normal": _lognormal,
    "cauchy": _cauchy, "geometric": _geometric, "bernoulli": _bernoulli, "poisson": _poisson,
}
MODE_NAMES = tuple(_FACTORIES)
_FAST = {}  # mode string -> factory, for the per-iteration path


class _ModeError(Exception):
    pass


def _check(condition, name, message):
    if not condition:
        raise _ModeError(f"{name}(...): {message}")


def _number(node):
    value = ast.literal_eval(node)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError
    return value


@functools.lru_cache(maxsize=512)
def _parse(mode):
    if isinstance(mode, numbers.Number):
        return _filled(mode)
    text = mode.strip()
    if text.startswith("torch."):
        text = text[len("torch."):]
    try:
        return _filled(float(text))
    except ValueError:
        pass
    try:
        node = ast.parse(text if "(" in text else text + "()", mode="eval").body
    except SyntaxError:
        raise _ModeError("it is not a mode name or a call such as 'normal(0, 1)'") from None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise _ModeError("it is not a mode name or a call such as 'normal(0, 1)'")
    name = node.func.id
    if name not in _FACTORIES:
        raise _ModeError(f"unknown mode {name!r}{close_matches(name, MODE_NAMES)}")
    try:
        args = [_number(a) for a in node.args]
        kwargs = {k.arg: _number(k.value) for k in node.keywords if k.arg is not None}
    except (ValueError, TypeError, SyntaxError):
        raise _ModeError(f"the arguments of {name}(...) must be finite numbers") from None
    if len(kwargs) != len(node.keywords):
        raise _ModeError(f"the arguments of {name}(...) must be finite numbers")
    try:
        return _FACTORIES[name](*args, **kwargs)
    except TypeError as error:
        raise _ModeError(f"wrong arguments for {name}(...): {error}") from None


def make_tensor(owner, mode, shape, device, dtype, scale=None, density=None):
    """A new tensor of ``shape`` filled according to ``mode``, thinned by ``density``, times ``scale``.

    Density keeps each entry with probability ``density`` (one uniform draw per entry, after the
    values are drawn); ``owner`` names the calling object in error messages.
    """
    factory = _FAST.get(mode) if isinstance(mode, str) else None
    if factory is None:
        factory = _factory(owner, mode)
    try:
        result = factory(shape, device, dtype)
    except (RuntimeError, OverflowError, TypeError) as error:
        raise ArgumentError(f"{owner}.mode: cannot fill a {dtype} tensor with {mode!r}: {error}") from None
    if density is not None:
        result = result * _density_mask(owner, density, shape, device)
    if scale is not None:
        if isinstance(scale, bool) or not isinstance(scale, (numbers.Real, torch.Tensor)):
            raise ArgumentError(f"{owner}.scale: must be a number or a tensor, got {describe(scale)}")
        result *= scale
    return result


def _factory(owner, mode):
    if isinstance(mode, bool) or not isinstance(mode, (str, numbers.Real)):
        raise ArgumentError(
            f"{owner}.mode: must be a mode string such as 'zeros', 'uniform' or 'normal(0, 1)', "
            f"or a number, got {describe(mode)}"
        )
    if isinstance(mode, numbers.Real) and not math.isfinite(mode):
        raise ArgumentError(f"{owner}.mode: a number mode must be finite, got {mode!r}")
    try:
        factory = _parse(mode)
    except _ModeError as error:
        raise ArgumentError(f"{owner}.mode: cannot use {mode!r}: {error}") from None
    if isinstance(mode, str) and len(_FAST) < 512:
        _FAST[mode] = factory
    return factory


def _density_mask(owner, density, shape, device):
    if isinstance(density, torch.Tensor):
        if density.numel() and (density.min() < 0 or density.max() > 1):
            raise ArgumentError(f"{owner}.density: all values must lie in [0, 1]")
        if density.dim() == 1 and len(shape) == 2:
            density = density[:, None]
        return torch.rand(shape, device=device) <= density.to(device)
    if density.__class__ is float and 0.0 <= density <= 1.0:
        return torch.rand(shape, device=device) <= density
    if isinstance(density, bool) or not isinstance(density, numbers.Real) or not 0 <= density <= 1:
        raise ArgumentError(f"{owner}.density: must be a number in [0, 1], got {describe(density)}")
    return torch.rand(shape, device=device) <= density
