"""Exceptions raised by the simulator, and helpers that word them consistently."""
import difflib

__all__ = ["PymonnError", "ArgumentError", "ExpressionError", "RecorderError", "StateError", "PymonnWarning"]


class PymonnError(Exception):
    """Base class of every error the simulator raises on purpose."""


class ArgumentError(PymonnError, ValueError, TypeError):
    """An argument has the wrong type or value (catchable as ValueError or TypeError).

    ``owner`` (e.g. ``"NeuronGroup"``, ``"Controller.select_group"``) and ``argument`` (``"size"``)
    name what was refused; when not given they are read from a message worded
    ``Owner.argument: ...``.
    """

    def __init__(self, message, *, owner=None, argument=None):
        super().__init__(message)
        if owner is None and argument is None:
            owner, argument = _owner_and_argument(str(message))
        self.owner, self.argument = owner, argument


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


def bad_argument(owner, argument, expected, value, error=None):
    """An ArgumentError (or ``error`` class) worded ``Owner.argument: must be <expected>, got <value>``."""
    return (error or ArgumentError)(f"{owner}.{argument}: must be {expected}, got {describe(value)}",
                                    owner=owner, argument=argument)


def _owner_and_argument(message):
    head = message.split(": ", 1)[0]
    owner, dot, argument = head.rpartition(".")
    if not dot or not owner or not argument.replace("_", "a").isalnum():
        return None, None
    return owner, argument


def close_matches(word, candidates):
    """A ``; did you mean ...?`` suffix listing the candidates close to ``word`` (or '')."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""
