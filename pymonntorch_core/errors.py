"""Exceptions raised by the simulator, and helpers that word them consistently."""
import difflib

__all__ = ["PymonnError", "ArgumentError", "ExpressionError", "RecorderError", "StateError", "PymonnWarning"]


class PymonnError(Exception):
    """Base class of every error the simulator raises on purpose."""


class ArgumentError(PymonnError, ValueError, TypeError):
    """An argument has the wrong type or value (catchable as ValueError or TypeError)."""


class ExpressionError(ArgumentError):
    """A recorder expression was rejected: malformed, or reaching beyond torch and the object."""


class RecorderError(PymonnError, RuntimeError):
    """A recorder could not record a variable during a run."""


class StateError(PymonnError, RuntimeError):
    """The network is not in a state that allows the call (e.g. not initialised yet)."""


class PymonnWarning(UserWarning):
    """Category of every warning the simulator and the widgets give (filter with it)."""


def describe(value):
    """Short, readable description of a bad value for error messages."""
    if isinstance(value, type):
        return f"the class {value.__name__}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def bad_argument(owner, argument, expected, value):
    """An ArgumentError worded as ``Owner.argument: must be <expected>, got <value>``."""
    return ArgumentError(f"{owner}.{argument}: must be {expected}, got {describe(value)}")


def close_matches(word, candidates):
    """A ``; did you mean ...?`` suffix listing the candidates close to ``word`` (or '')."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""
