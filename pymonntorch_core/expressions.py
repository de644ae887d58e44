"""Recorder expressions such as ``'voltage'`` or ``'torch.mean(voltage)'``, parsed and checked once.

An expression may use ``torch`` functions, the recorded object's attributes (by name, or through
``n``, ``s``, ``neurons``, ``synapse``), numbers, arithmetic, comparisons, indexing and tensor
methods. It may not use builtins, imports, names or attributes starting with ``_``, in-place tensor
methods (they would change the state being recorded), torch functions that read or write files or
change global state, or methods of network objects.
"""
import ast
import functools

import torch

from .errors import ExpressionError

__all__ = ["Expression"]

ALIASES = frozenset({"n", "s", "neurons", "synapse", "synapses", "obj"})

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.keyword, ast.Attribute, ast.Subscript, ast.Slice, ast.Name, ast.Load, ast.Constant,
    ast.Tuple, ast.List, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)
_BLOCKED_WORDS = ("file", "save", "load", "seed", "storage", "hook", "set_", "share_memory",
                  "pin_memory", "record_stream", "backward", "register", "apply", "map", "data_ptr")
_SUBMODULES = ("linalg", "special", "fft")


def _blocked(name):
    return name.startswith("_") or name.endswith("_") or any(w in name for w in _BLOCKED_WORDS)


@functools.cache
def _torch_functions():
    """Allowed torch callables and values, by dotted name below ``torch``."""
    allowed = {}
    for name in dir(torch._C._VariableFunctions) + list(torch.functional.__all__):
        if not _blocked(name) and hasattr(torch, name):
            allowed[name] = getattr(torch, name)
    for name in dir(torch):
        value = getattr(torch, name, None)
        if isinstance(value, torch.dtype) or name in ("pi", "e", "inf", "nan"):
            allowed[name] = value
    for module in _SUBMODULES:
        for name in dir(getattr(torch, module)):
            if not _blocked(name):
                allowed[f"{module}.{name}"] = getattr(getattr(torch, module), name)
    for name in dir(torch.nn.functional):
        value = getattr(torch.nn.functional, name)
        if not _blocked(name) and callable(value):
            allowed[f"nn.functional.{name}"] = value
    return allowed


@functools.cache
def _torch_callables():
    return {id(v) for v in _torch_functions().values() if callable(v)}


def _guarded_call(function, *args, **kwargs):
    """Call ``function`` only if it is an allowed torch function or a method of a tensor."""
    owner = getattr(function, "__self__", None)
    if id(function) in _torch_callables() or isinstance(owner, torch.Tensor):
        return function(*args, **kwargs)
    raise ExpressionError(f"calling {getattr(function, '__qualname__', function)!r} is not allowed in a recorder expression")


class _Rewriter(ast.NodeTransformer):
    """Checks every node, resolves names to ``torch`` or the object, and guards calls."""

    def __init__(self, text):
        self.text = text
        self.names = set()

    def fail(self, why):
        raise ExpressionError(f"recorder expression {self.text!r} is not allowed: {why}")

    def generic_visit(self, node):
        if not isinstance(node, _ALLOWED_NODES):
            self.fail(f"{type(node).__name__} is not supported (use torch functions, attributes, "
                      f"arithmetic and indexing)")
        return super().generic_visit(node)

    def visit_Constant(self, node):
        if not isinstance(node.value, (int, float, complex, bool, str, type(None))) or (
                isinstance(node.value, str) and len(node.value) > 32):
            self.fail(f"the constant {node.value!r} is not allowed")
        return node

    def visit_Name(self, node):
        if node.id.startswith("_"):
            self.fail(f"names starting with '_' are not allowed ({node.id!r})")
        if node.id == "torch":
            return node
        if node.id in ALIASES:
            return ast.copy_location(ast.Name("_obj", ast.Load()), node)
        self.names.add(node.id)
        return ast.copy_location(ast.Attribute(ast.Name("_obj", ast.Load()), node.id, ast.Load()), node)

    def visit_Attribute(self, node):
        if _blocked(node.attr):
            self.fail(f"the attribute {node.attr!r} is not allowed (private, in-place, or reaching "
                      f"files, hooks or global state)")
        path = _dotted(node)
        if path and path[0] == "torch":
            name = ".".join(path[1:])
            if name not in _torch_functions():
                self.fail(f"torch.{name} is not an allowed torch function")
            return node
        if path and path[0] in ALIASES and len(path) == 2:
            self.names.add(path[1])
        return self.generic_visit(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        node.args = [node.func, *node.args]
        node.func = ast.Name("_call", ast.Load())
        return node


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


class Expression:
    """A checked recorder expression, evaluated against one object with ``evaluate(obj)``.

    A plain attribute name (``'voltage'``, ``'n.voltage'``) is read directly; anything else runs as
    compiled code in a namespace of ``torch`` and the object, with no builtins.
    """

    def __init__(self, text):
        if not isinstance(text, str) or not text.strip():
            raise ExpressionError(f"a recorder variable must be a non-empty str, got {text!r}")
        if len(text) > 1000:
            raise ExpressionError("a recorder expression must be at most 1000 characters long")
        self.text = text
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as error:
            raise ExpressionError(f"recorder expression {text!r} is not valid Python: {error.msg}") from None
        rewriter = _Rewriter(text)
        tree = ast.fix_missing_locations(rewriter.visit(tree))
        self.names = frozenset(rewriter.names)
        body = tree.body
        self.attribute = body.attr if (isinstance(body, ast.Attribute) and isinstance(body.value, ast.Name)
                                       and body.value.id == "_obj") else None
        self._code = compile(tree, "<recorder expression>", "eval")

    def evaluate(self, obj):
        """The expression's value for ``obj`` (AttributeError if a name is missing)."""
        if self.attribute is not None:
            return getattr(obj, self.attribute)
        return eval(self._code, {"__builtins__": {}, "torch": torch, "_obj": obj, "_call": _guarded_call})

    def __repr__(self):
        return f"Expression({self.text!r})"
