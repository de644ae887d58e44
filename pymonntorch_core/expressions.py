"""Recorder expressions such as ``'voltage'`` or ``'torch.mean(voltage)'``: parsed and compiled once.

Safe by construction, not by a list of forbidden names: the parsed tree is compiled into one Python
closure per node (no ``eval``), and

- the only values an expression can hold are tensors, numbers, bools, ``None``, torch dtypes, short
  strings and tuples/lists of these; modules, classes, functions, methods and other objects never
  become values, so no attribute chain or argument can reach beyond them;
- names are the recorded object's public attributes (directly, or through the aliases ``n``, ``s``,
  ``neurons``, ``synapse``, ``synapses``, ``obj``), ``torch.<name>`` is a dtype or constant, and calls
  go only to the pure torch functions and tensor methods held by identity in this module's tables
  (nothing that writes files, changes global state or modifies a tensor in place; no ``out=`` or
  ``inplace=``);
- sizes are bounded: the text, the depth and size of the tree, Python integers (``10**10**10`` is
  refused before it is computed), and new tensors (at most ``MAX_NEW_ELEMENTS`` elements or as many
  as the largest operand, and at most ``MAX_WORK`` multiply-adds, both checked before allocating).

Every refusal is an ``ExpressionError`` saying what and why.
"""
import ast
import functools
import math
import numbers
import operator

import numpy as np
import torch

from .errors import ExpressionError

__all__ = ["Expression", "MAX_LENGTH", "MAX_DEPTH", "MAX_NODES", "MAX_NEW_ELEMENTS", "MAX_WORK"]

MAX_LENGTH = 1000          # characters of an expression
MAX_DEPTH = 40             # nesting depth of its tree
MAX_NODES = 400            # nodes of its tree
MAX_STRING = 64            # characters of a string constant
MAX_INT_BITS = 4096        # bits of a Python integer an expression may compute
MAX_NEW_ELEMENTS = 2**25   # elements a result may have beyond its largest operand
MAX_WORK = 2**36           # result elements x longest operand dimension (a matmul's multiply-adds)

ALIASES = frozenset({"n", "s", "neurons", "synapse", "synapses", "obj"})
_REFUSED_KEYWORDS = frozenset({"out", "inplace"})

# Pure torch functions whose result is no larger than their (broadcast) operands.
_FUNCTIONS = """
abs absolute acos arccos acosh arccosh add addcdiv addcmul all allclose amax amin aminmax angle any
argmax argmin argsort argwhere asin arcsin asinh arcsinh atan arctan atan2 arctan2 atanh arctanh
atleast_1d atleast_2d atleast_3d bitwise_and bitwise_not bitwise_or bitwise_xor bucketize can_cast cat
concat concatenate ceil chunk clamp clip clone conj copysign cos cosh count_nonzero cummax cummin
cumprod cumsum deg2rad diagonal diff dist div divide dot dstack eq equal erf erfc erfinv exp exp2 expm1
fix flatten flip fliplr flipud float_power floor floor_divide fmax fmin fmod frac gather gcd ge greater
greater_equal gt heaviside hstack hypot imag inner is_complex is_floating_point is_nonzero
is_tensor isclose isfinite isin isinf isnan isneginf isposinf isreal kthvalue lcm le lerp less
less_equal lgamma log log10 log1p log2 log_softmax logaddexp logaddexp2 logcumsumexp logical_and
logical_not logical_or logical_xor logit logsumexp lt masked_fill masked_select max maximum mean median
min minimum mode moveaxis movedim msort mul multiply mv nan_to_num nanmean nanmedian nanquantile nansum
narrow ne neg negative nextafter nonzero norm not_equal numel ones_like permute prod promote_types
quantile rad2deg ravel real reciprocal relu remainder reshape result_type roll rot90 round rsqrt
searchsorted select sgn sigmoid sign signbit sin sinc sinh softmax sort split sqrt square squeeze stack
std std_mean sub subtract sum swapaxes swapdims t take tan tanh tensor as_tensor topk
trace transpose tril triu true_divide trunc unbind unique unique_consecutive unsqueeze var var_mean
vstack where xlogy zeros_like full_like
linalg.norm linalg.vector_norm linalg.vecdot linalg.cross linalg.diagonal
special.erf special.erfc special.expit special.logit special.xlogy special.softmax special.log_softmax
special.logsumexp special.sinc special.round special.log1p special.exp2 special.expm1
nn.functional.relu nn.functional.relu6 nn.functional.elu nn.functional.selu nn.functional.celu
nn.functional.gelu nn.functional.silu nn.functional.mish nn.functional.sigmoid nn.functional.tanh
nn.functional.softplus nn.functional.softsign nn.functional.softmax nn.functional.softmin
nn.functional.log_softmax nn.functional.logsigmoid nn.functional.hardtanh nn.functional.hardsigmoid
nn.functional.hardswish nn.functional.hardshrink nn.functional.softshrink nn.functional.tanhshrink
nn.functional.leaky_relu nn.functional.threshold nn.functional.normalize nn.functional.cosine_similarity
nn.functional.pairwise_distance nn.functional.glu
""".split()

# Functions whose result can be larger than their operands: its size is found on the meta device first.
_GROWING_FUNCTIONS = """
zeros ones full arange linspace logspace eye outer ger kron cdist diag diag_embed matmul mm bmm
tensordot cartesian_prod meshgrid block_diag histc index_select take_along_dim nn.functional.linear
""".split()

# Tensor methods (looked up on torch.Tensor, never on the value): none works in place.
_METHODS = """
abs absolute acos acosh all amax amin aminmax angle any argmax argmin argsort argwhere asin asinh
atan atan2 atanh bool bitwise_and bitwise_not bitwise_or bitwise_xor byte ceil char chunk clamp clip
clone conj contiguous copysign cos cosh count_nonzero cpu cummax cummin cumprod cumsum deg2rad
detach diagonal diff dim dist div divide dot double element_size eq equal erf erfc erfinv exp exp2
expm1 fix flatten flip fliplr flipud float float_power floor floor_divide fmax fmin fmod frac gather
ge greater greater_equal gt half bfloat16 heaviside hypot inner int is_complex is_contiguous
is_floating_point isclose isfinite isinf isnan isneginf isposinf isreal item kthvalue le lerp less
less_equal lgamma log log10 log1p log2 log_softmax logaddexp logcumsumexp logical_and logical_not
logical_or logical_xor logit logsumexp long lt masked_fill masked_select max maximum mean median min
minimum mode moveaxis movedim msort mul multiply mv nan_to_num nanmean nanmedian nanquantile nansum
narrow ndimension ne neg negative nelement nextafter nonzero norm not_equal numel permute pow prod
quantile rad2deg ravel reciprocal relu remainder reshape reshape_as roll rot90 round rsqrt select
sgn short sigmoid sign signbit sin sinc sinh size softmax sort split sqrt square squeeze std sub
subtract sum swapaxes t take tan tanh to topk trace transpose tril triu true_divide trunc type_as
unbind unique unique_consecutive unsqueeze var view view_as where xlogy
""".split()
_GROWING_METHODS = ("outer ger kron diag diag_embed matmul mm repeat tile new_zeros new_ones new_full histc index_select "
                    "take_along_dim").split()
_TENSOR_ATTRIBUTES = frozenset("shape dtype ndim T mT real imag is_cuda requires_grad".split())
_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
           ast.LShift: operator.lshift, ast.RShift: operator.rshift, ast.BitOr: operator.or_,
           ast.BitXor: operator.xor, ast.BitAnd: operator.and_, ast.MatMult: operator.matmul}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert, ast.Not: operator.not_}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge}


@functools.cache
def _tables():
    """``({dotted name: function}, {dotted name: growing function}, {method: function}, {growing
    method: function}, {dotted name: constant})``, built from torch once."""
    def find(dotted):
        value = torch
        for part in dotted.split("."):
            value = getattr(value, part, None)
        return value

    functions = {n: find(n) for n in _FUNCTIONS if callable(find(n))}
    growing = {n: find(n) for n in _GROWING_FUNCTIONS if callable(find(n))}
    methods = {n: getattr(torch.Tensor, n) for n in _METHODS if callable(getattr(torch.Tensor, n, None))}
    growing_methods = {n: getattr(torch.Tensor, n) for n in _GROWING_METHODS if hasattr(torch.Tensor, n)}
    constants = dict(_CONSTANTS)
    constants.update({n: v for n in dir(torch) if isinstance(v := getattr(torch, n, None), torch.dtype)})
    return functions, growing, methods, growing_methods, constants


def _is_number(value):
    return isinstance(value, numbers.Complex) and not isinstance(value, torch.Tensor)


def _plain_number(value):
    """A Python int, float or complex for any number (numpy scalars and fractions included)."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return complex(value)


def _allowed(value, depth=0):
    """True if ``value`` may be held by an expression: tensors, numbers, None, dtypes, short strings,
    tuples and lists of these."""
    if isinstance(value, (torch.Tensor, numbers.Complex, torch.dtype)) or value is None or value is Ellipsis:
        return True
    if isinstance(value, str):
        return len(value) <= MAX_STRING
    if isinstance(value, (tuple, list)) and depth < 4 and len(value) <= 100_000:
        return all(_allowed(v, depth + 1) for v in value)
    return False


def _tensors(values):
    for value in values:
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, (tuple, list)):
            yield from _tensors(value)


def _to_meta(value):
    if isinstance(value, torch.Tensor):
        return torch.empty(value.shape, dtype=value.dtype, device="meta")
    if isinstance(value, (tuple, list)):
        return type(value)(_to_meta(v) for v in value) if type(value) in (tuple, list) else tuple(map(_to_meta, value))
    return value


def _stored_elements(tensor):
    """Elements of the storage behind ``tensor`` (a view counts its base)."""
    try:
        return tensor.untyped_storage().nbytes() // max(tensor.element_size(), 1)
    except (RuntimeError, NotImplementedError):
        return tensor.numel()


def _elements(result):
    if isinstance(result, torch.Tensor):
        return result.numel()
    if isinstance(result, (tuple, list)):
        return sum(_elements(r) for r in result)
    return 1


class _Compiler:
    """Turns a checked tree into closures ``f(obj) -> value``; every refusal names the expression."""

    def __init__(self, text):
        self.text = text
        self.names = set()
        self.functions, self.growing, self.methods, self.growing_methods, self.constants = _tables()

    def error(self, why):
        return ExpressionError(f"recorder expression {self.text!r} is not allowed: {why}")

    # --- checks used while evaluating -----------------------------------------------------------
    def checked(self, value, what):
        if value.__class__ is torch.Tensor or _allowed(value):
            return value
        raise self.error(f"{what} is {_kind(value)}; an expression may only hold tensors and numbers")

    def check_size(self, what, result_elements, operands, work=False):
        """Refuse a result larger than MAX_NEW_ELEMENTS and than its largest operand (a view counts
        its base); with ``work``, also one costing more than MAX_WORK (a matmul's multiply-adds)."""
        largest = max((_stored_elements(t) for t in operands), default=0)
        if result_elements > max(MAX_NEW_ELEMENTS, largest):
            raise self.error(f"{what} would make {result_elements:,} elements (at most "
                             f"{max(MAX_NEW_ELEMENTS, largest):,}: {MAX_NEW_ELEMENTS:,} or the largest operand's)")
        longest = max((max(t.shape, default=1) for t in operands), default=1)
        if work and result_elements * longest > MAX_WORK:
            raise self.error(f"{what} would take about {result_elements * longest:.2g} operations "
                             f"(at most {MAX_WORK:.2g})")

    def check_broadcast(self, what, tensors):
        shapes = {t.shape for t in tensors}
        if len(shapes) > 1:
            try:
                elements = math.prod(torch.broadcast_shapes(*shapes))
            except RuntimeError:  # not broadcast together (e.g. cat): at most all operands together
                elements = sum(t.numel() for t in tensors)
            self.check_size(what, elements, tensors)

    def check_operands(self, what, operands):
        """Bound a call's result by its operands: tensors given directly broadcast together, tensors
        in a list or tuple (``torch.cat``, ``torch.stack``) add up."""
        direct = [v for v in operands if isinstance(v, torch.Tensor)]
        listed = list(_tensors(v for v in operands if isinstance(v, (tuple, list))))
        if len(direct) > 1:
            self.check_broadcast(what, direct)
        if len(listed) > 1:
            self.check_size(what, sum(t.numel() for t in listed), listed)

    def check_growth(self, what, function, args, kwargs):
        """Find the result's size on the meta device before the real call allocates it."""
        operands = list(_tensors([*args, *kwargs.values()]))
        meta_kwargs = {k: _to_meta(v) for k, v in kwargs.items()}
        if not operands or "device" in kwargs:
            meta_kwargs["device"] = "meta"
        try:
            result = function(*[_to_meta(a) for a in args], **meta_kwargs)
        except Exception as error:  # noqa: BLE001 - the real call would fail the same way
            raise self.error(f"{what} cannot be applied to these arguments: {error}") from None
        self.check_size(what, _elements(result), operands, work=True)

    def arithmetic(self, op, symbol, a, b):
        if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
            for value in (a, b):
                if not (isinstance(value, torch.Tensor) or _is_number(value)):
                    raise self.error(f"{symbol!r} needs tensors or numbers, got {_kind(value)}")
            if op is operator.matmul:
                self.check_growth("'@'", torch.matmul, (a, b), {})
            elif isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape != b.shape:
                self.check_broadcast(repr(symbol), (a, b))
            return op(a, b)
        if not (_is_number(a) and _is_number(b)):
            raise self.error(f"{symbol!r} needs tensors or numbers, got {_kind(a)} and {_kind(b)}")
        a, b = _plain_number(a), _plain_number(b)
        if isinstance(a, int) and isinstance(b, int):
            if op is operator.pow and b > 0 and abs(a) > 1 and b * a.bit_length() > MAX_INT_BITS:
                raise self.error(f"{a} ** {b} would have more than {MAX_INT_BITS} bits")
            if op is operator.lshift and b > MAX_INT_BITS:
                raise self.error(f"{a} << {b} would have more than {MAX_INT_BITS} bits")
        result = op(a, b)
        if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
            raise self.error(f"an integer of more than {MAX_INT_BITS} bits")
        return result

    # --- compiling ------------------------------------------------------------------------------
    def compile(self, node):
        method = getattr(self, f"compile_{type(node).__name__}", None)
        if method is None:
            raise self.error(f"{type(node).__name__} is not supported (use torch functions, attributes, "
                             f"arithmetic, comparisons and indexing)")
        return method(node)

    def compile_Expression(self, node):
        return self.compile(node.body)

    def compile_Constant(self, node):
        value = node.value
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise self.error(f"string constants may have at most {MAX_STRING} characters")
        if not (isinstance(value, (bool, int, float, complex, str)) or value is None or value is Ellipsis):
            raise self.error(f"the constant {value!r} is not allowed")
        return lambda obj: value

    def attribute_of_object(self, name):
        if name.startswith("_"):
            raise self.error(f"names starting with '_' are not allowed ({name!r})")
        self.names.add(name)
        read = operator.attrgetter(name)
        checked = self.checked

        def evaluate(obj):
            value = read(obj)
            return value if value.__class__ is torch.Tensor else checked(value, f"the attribute {name!r}")
        return evaluate

    def compile_Name(self, node):
        if node.id == "torch":
            raise self.error("'torch' is a module; use a torch function such as torch.mean(...) or a dtype")
        if node.id in ALIASES:
            raise self.error(f"{node.id!r} is the recorded object itself; record one of its attributes "
                             f"({node.id}.voltage)")
        return self.attribute_of_object(node.id)

    def compile_Attribute(self, node):
        path = _dotted(node)
        if path and path[0] == "torch":
            name = ".".join(path[1:])
            if name in self.constants:
                value = self.constants[name]
                return lambda obj: value
            if name in self.functions or name in self.growing:
                raise self.error(f"torch.{name} is a function: call it, e.g. torch.{name}(voltage)")
            raise self.error(f"torch.{name} is not an allowed torch function or constant")
        if path and len(path) == 2 and path[0] in ALIASES:
            return self.attribute_of_object(path[1])
        attr = node.attr
        if attr in self.methods or attr in self.growing_methods:
            raise self.error(f".{attr} is a tensor method: call it, e.g. voltage.{attr}()")
        if attr not in _TENSOR_ATTRIBUTES:
            raise self.error(f"the attribute {attr!r} is not allowed here (tensors offer "
                             f"{', '.join(sorted(_TENSOR_ATTRIBUTES))} and the allowed methods)")
        receiver = self.compile(node.value)
        error = self.error

        def evaluate(obj):
            value = receiver(obj)
            if not isinstance(value, torch.Tensor):
                raise error(f".{attr} needs a tensor, got {_kind(value)}")
            return getattr(value, attr)
        return evaluate

    def compile_Call(self, node):
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.error("'*' arguments are not supported")
        args = [self.compile(a) for a in node.args]
        keywords = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.error("'**' arguments are not supported")
            if keyword.arg in _REFUSED_KEYWORDS or keyword.arg.startswith("_"):
                raise self.error(f"the keyword {keyword.arg!r} is not allowed (it would change a tensor in place)")
            keywords[keyword.arg] = self.compile(keyword.value)
        func = node.func
        path = _dotted(func)
        if path and path[0] == "torch":
            name = ".".join(path[1:])
            function, growing = self.functions.get(name), name in self.growing
            if growing:
                function = self.growing[name]
            if function is None:
                raise self.error(f"torch.{name} is not an allowed torch function")
            return self._call(f"torch.{name}", function, None, args, keywords, growing)
        if isinstance(func, ast.Attribute) and not (path and len(path) == 2 and path[0] in ALIASES):
            name = func.attr
            growing = name in self.growing_methods
            function = self.growing_methods.get(name) or self.methods.get(name)
            if function is None:
                raise self.error(f".{name}() is not an allowed tensor method")
            return self._call(f".{name}()", function, self.compile(func.value), args, keywords, growing)
        raise self.error("only torch functions (torch.mean(voltage)) and tensor methods (voltage.mean()) "
                         "may be called")

    def _call(self, what, function, receiver, args, keywords, growing):
        checked, error, check_growth, check_operands = self.checked, self.error, self.check_growth, self.check_operands

        if not growing and not keywords and len(args) + (receiver is not None) == 1:
            only = receiver or args[0]

            def evaluate_one(obj):  # the common case (torch.mean(voltage), voltage.abs()), kept short
                value = only(obj)
                if value.__class__ is not torch.Tensor:
                    if receiver is not None and not isinstance(value, torch.Tensor):
                        raise error(f"{what} needs a tensor, got {_kind(value)}")
                    if isinstance(value, (tuple, list)):
                        check_operands(what, (value,))
                result = function(value)
                return result if result.__class__ is torch.Tensor else checked(result, f"the result of {what}")
            return evaluate_one

        def evaluate(obj):
            values = [receiver(obj)] if receiver is not None else []
            if receiver is not None and not isinstance(values[0], torch.Tensor):
                raise error(f"{what} needs a tensor, got {_kind(values[0])}")
            values.extend(a(obj) for a in args)
            kwargs = {k: f(obj) for k, f in keywords.items()}
            if growing:
                check_growth(what, function, values, kwargs)
            elif len(values) + len(kwargs) > 1 or isinstance(values[0], (tuple, list)):
                check_operands(what, (*values, *kwargs.values()))
            return checked(function(*values, **kwargs), f"the result of {what}")
        return evaluate

    def compile_BinOp(self, node):
        op = _BINARY.get(type(node.op))
        if op is None:
            raise self.error(f"the operator {type(node.op).__name__} is not supported")
        left, right, arithmetic = self.compile(node.left), self.compile(node.right), self.arithmetic
        symbol = _SYMBOLS[type(node.op)]
        return lambda obj: arithmetic(op, symbol, left(obj), right(obj))

    def compile_UnaryOp(self, node):
        op, operand, error = _UNARY[type(node.op)], self.compile(node.operand), self.error

        def evaluate(obj):
            value = operand(obj)
            if not (isinstance(value, torch.Tensor) or _is_number(value)):
                raise error(f"a unary operator needs a tensor or a number, got {_kind(value)}")
            return op(value)
        return evaluate

    def compile_BoolOp(self, node):
        values = [self.compile(v) for v in node.values]
        if isinstance(node.op, ast.And):
            def evaluate(obj):
                for value in values:
                    result = value(obj)
                    if not result:
                        return result
                return result
        else:
            def evaluate(obj):
                for value in values:
                    result = value(obj)
                    if result:
                        return result
                return result
        return evaluate

    def compile_Compare(self, node):
        ops = []
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.error(f"the comparison {type(op).__name__} is not supported (use ==, !=, <, <=, >, >=)")
            ops.append(_COMPARE[type(op)])
        first, others = self.compile(node.left), [self.compile(c) for c in node.comparators]
        checked, check_broadcast = self.checked, self.check_broadcast

        def evaluate(obj):
            left, result = first(obj), True
            for op, other in zip(ops, others):
                right = other(obj)
                if isinstance(left, torch.Tensor) and isinstance(right, torch.Tensor) and left.shape != right.shape:
                    check_broadcast("a comparison", (left, right))
                result = checked(op(left, right), "a comparison")
                if len(ops) > 1 and not result:
                    return result
                left = right
            return result
        return evaluate

    def compile_IfExp(self, node):
        test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)
        return lambda obj: body(obj) if test(obj) else orelse(obj)

    def compile_Tuple(self, node):
        items = [self.compile(e) for e in node.elts]
        return lambda obj: tuple(item(obj) for item in items)

    def compile_List(self, node):
        items = [self.compile(e) for e in node.elts]
        return lambda obj: [item(obj) for item in items]

    def compile_Slice(self, node):
        parts = [self.compile(p) if p is not None else (lambda obj: None) for p in (node.lower, node.upper, node.step)]
        return lambda obj: slice(*(p(obj) for p in parts))

    def compile_Subscript(self, node):
        value, index, error, check_growth = self.compile(node.value), self.compile(node.slice), self.error, self.check_growth

        def evaluate(obj):
            container, key = value(obj), index(obj)
            if isinstance(container, torch.Tensor):
                keys = key if isinstance(key, tuple) else (key,)
                if any(isinstance(k, (torch.Tensor, list)) and not _is_mask(k) for k in keys):
                    check_growth("indexing", operator.getitem, (container, key), {})
                return container[key]
            if isinstance(container, (tuple, list)) and isinstance(key, (numbers.Integral, slice)):
                return container[key]
            raise error(f"indexing needs a tensor, tuple or list indexed by ints or slices, got "
                        f"{_kind(container)}[{_kind(key)}]")
        return evaluate


def _is_mask(key):
    return isinstance(key, torch.Tensor) and key.dtype == torch.bool


_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
            ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
            ast.BitAnd: "&", ast.MatMult: "@"}


def _kind(value):
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, type):
        return f"the class {value.__name__}"
    return f"a {type(value).__name__}"


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _check_shape(text, tree):
    """Refuse trees deeper than MAX_DEPTH or larger than MAX_NODES (walked without recursion)."""
    stack, nodes = [(tree, 1)], 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            limit = f"nested more than {MAX_DEPTH} deep" if depth > MAX_DEPTH else f"more than {MAX_NODES} parts"
            raise ExpressionError(f"recorder expression {text[:60]!r}... is not allowed: it is {limit}")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _plain_attribute(compiler, name):
    """Read ``obj.<name>``: a tensor at once; a number, or a numpy array as a tensor; nothing else."""
    read, checked = operator.attrgetter(name), compiler.checked

    def evaluate(obj):
        value = read(obj)
        if value.__class__ is torch.Tensor:
            return value
        if isinstance(value, np.ndarray):
            return torch.from_numpy(value)
        return checked(value, f"the attribute {name!r}")
    return evaluate


class Expression:
    """A checked recorder expression; ``evaluate(obj)`` gives its value for one object (an
    AttributeError when a name is missing).

    A plain attribute name (``'voltage'``, ``'n.voltage'``) is read directly; anything else runs as
    closures compiled once from the parsed tree (see the module docstring for what is allowed).
    ``evaluate`` is that closure itself, so evaluating costs no extra call.
    """

    def __init__(self, text):
        if not isinstance(text, str) or not text.strip():
            raise ExpressionError(f"a recorder variable must be a non-empty str, got {text!r}")
        if len(text) > MAX_LENGTH:
            raise ExpressionError(f"a recorder expression must be at most {MAX_LENGTH} characters long, "
                                  f"got {len(text)}")
        self.text = text
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as error:
            raise ExpressionError(f"recorder expression {text!r} is not valid Python: {error.msg}") from None
        except (ValueError, RecursionError, MemoryError) as error:
            raise ExpressionError(f"recorder expression {text[:60]!r} cannot be parsed: "
                                  f"{type(error).__name__}") from None
        _check_shape(text, tree)
        compiler = _Compiler(text)
        body = tree.body
        path = _dotted(body)
        if path and (len(path) == 1 and path[0] not in ALIASES | {"torch"} or len(path) == 2 and path[0] in ALIASES):
            self.attribute = path[-1]
            if self.attribute.startswith("_"):
                raise compiler.error(f"names starting with '_' are not allowed ({self.attribute!r})")
            compiler.names.add(self.attribute)
            self.evaluate = _plain_attribute(compiler, self.attribute)
        else:
            self.attribute = None
            self.evaluate = compiler.compile(tree)
        self.names = frozenset(compiler.names)

    def __repr__(self):
        return f"Expression({self.text!r})"
