"""Recorder expressions: only tensors and numbers as values, only the evaluator's own functions called,
bounded size and work; every refusal an ExpressionError saying why, and nothing runs."""
import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from pymonntorch_core import ExpressionError, Network, NeuronGroup, Recorder, RecorderError
from pymonntorch_core.expressions import MAX_NEW_ELEMENTS, Expression

from .helpers import BasicBehavior


@pytest.fixture
def ng():
    net = Network()
    group = NeuronGroup(4, net, behavior={1: BasicBehavior()})
    net.initialize(info=False)
    group.voltage = torch.tensor([1.0, -2.0, 3.0, 0.5])
    group.W = torch.eye(4)
    group.spike = group.voltage > 0.7
    return group


@pytest.mark.parametrize("text, expected", [
    ("voltage", [1.0, -2.0, 3.0, 0.5]),
    ("n.voltage", [1.0, -2.0, 3.0, 0.5]),
    ("neurons.voltage[1:3]", [-2.0, 3.0]),
    ("torch.mean(voltage)", 0.625),
    ("torch.mean(spike.float())", 0.5),
    ("torch.mean(W[:2])", 0.25),
    ("voltage.abs().max()", 3.0),
    ("torch.clamp(voltage, min=0)", [1.0, 0.0, 3.0, 0.5]),
    ("voltage > 0.7", [True, False, True, False]),
    ("torch.nn.functional.relu(voltage)", [1.0, 0.0, 3.0, 0.5]),
    ("torch.linalg.norm(voltage) ** 2", 14.25),
    ("(voltage * 2 + 1)[0]", 3.0),
    ("size", 4),
    ("voltage.to(torch.float64).dtype == torch.float64", True),
    ("1 if size > 2 else 0", 1),
    ("torch.max(voltage, 0)[0]", 3.0),
    ("voltage.shape[0] * 2", 8),
    ("voltage[[0, 2]]", [1.0, 3.0]),
    ("voltage[voltage > 0].sum()", 4.5),
    ("W @ voltage", [1.0, -2.0, 3.0, 0.5]),
    ("torch.outer(voltage, voltage)[1, 1]", 4.0),
    ("torch.cat((voltage, torch.zeros(2)))", [1.0, -2.0, 3.0, 0.5, 0.0, 0.0]),
    ("torch.where(spike, voltage, torch.tensor(0.0))", [1.0, 0.0, 3.0, 0.0]),
    ("2 ** 10 + torch.pi", 1024 + 3.141592653589793),
])
def test_allowed_expressions(ng, text, expected):
    value = Expression(text).evaluate(ng)
    value = value.tolist() if isinstance(value, torch.Tensor) else value
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("text, why", [
    # reaching code: there is no way to name it
    ("__import__('os').system('echo hi')", "not an allowed tensor method"),
    ("torch.nn.functional.handle_torch_function(print, (), 1)", "not an allowed torch function"),
    ("(torch,)[0].os.environ['HOME']", "attribute 'environ' is not allowed"),
    ("voltage.__class__", "attribute '__class__' is not allowed"),
    ("voltage.__class__.__subclasses__()", "not an allowed tensor method"),
    ("torch.load('x.pt')", "not an allowed torch function"),
    ("torch.save(voltage, 'x.pt')", "not an allowed torch function"),
    ("torch.from_file('/etc/passwd')", "not an allowed torch function"),
    ("torch.manual_seed(1)", "not an allowed torch function"),
    ("torch.hub", "not an allowed torch function or constant"),
    ("torch.ops.aten", "not an allowed torch function or constant"),
    ("torch.mean", "is a function: call it"),
    ("torch", "is a module"),
    ("n", "the recorded object itself"),
    ("voltage.untyped_storage()", "not an allowed tensor method"),
    ("voltage.add_(1)", "not an allowed tensor method"),
    ("torch.add(voltage, 1, out=voltage)", "keyword 'out' is not allowed"),
    ("torch.nn.functional.relu(voltage, inplace=True)", "keyword 'inplace' is not allowed"),
    ("voltage.numpy().tofile('x')", "not an allowed tensor method"),
    ("voltage.numpy().dump('x')", "not an allowed tensor method"),
    ("open('/etc/passwd')", "may be called"),
    ("print(voltage)", "may be called"),
    ("network.initialize()", "not an allowed tensor method"),
    ("n.vector('ones')", "may be called"),
    ("torch.mean(*voltage)", "'*' arguments"),
    ("torch.mean(**voltage)", "'**' arguments"),
    ("[x for x in voltage]", "ListComp is not supported"),
    ("lambda: 1", "Lambda is not supported"),
    ("(x := 1)", "NamedExpr is not supported"),
    ("f'{voltage}'", "JoinedStr is not supported"),
    ("{1: 2}", "Dict is not supported"),
    ("voltage is None", "comparison Is is not supported"),
    ("*voltage", "not valid Python"),
    ("voltage; import os", "not valid Python"),
    ("network._iteration", "attribute '_iteration' is not allowed"),
    ("_secret", "names starting with '_'"),
    ("'" + "x" * 100 + "'", "at most 64 characters"),
    # bounded size and depth, and no huge integers
    ("-" * 990 + "voltage", "nested more than"),
    ("[" * 150 + "voltage" + "]" * 150, "nested more than"),
    ("(" + "1," * 450 + ")", "more than 400 parts"),
    ("x" * 1001, "at most 1000 characters"),
])
def test_refused_at_construction_with_the_reason(text, why):
    with pytest.raises(ExpressionError) as info:
        Recorder([text])
    assert why in str(info.value)
    assert info.value.owner == "Recorder" and info.value.argument == "variables"


@pytest.mark.parametrize("text, why", [
    ("10 ** 10 ** 10", "would have more than 4096 bits"),
    ("1 << 10 ** 9", "would have more than 4096 bits"),
    ("2 ** 4000 * 2 ** 4000", "more than 4096 bits"),
    ("'a' * 10 ** 9", "needs tensors or numbers"),
    ("(1, 2) * 10 ** 9", "needs tensors or numbers"),
    ("torch.zeros(10 ** 12)", "would make 1,000,000,000,000 elements"),
    ("torch.ones(10 ** 6, 10 ** 6)", "elements"),
    ("torch.arange(0, 10 ** 12)", "elements"),
    ("torch.histc(voltage, bins=10 ** 12)", "elements"),
    ("voltage.repeat(10 ** 6, 10 ** 6)", "elements"),
    ("voltage.new_zeros(10 ** 10)", "elements"),
    ("voltage[torch.zeros(10 ** 9).long()]", "elements"),
    ("torch.linspace(0, 1, 10 ** 12)", "elements"),
    ("network", "is a Network"),
    ("n.network.NeuronGroups", "not allowed here"),
    ("n.behavior", "is a dict"),
    ("n.vector", "is a method"),
    ("torch.mean(n.network)", "is a Network"),
    ("(1).bit_length()", "not an allowed tensor method"),
])
def test_refused_before_any_work_is_done(ng, text, why):
    with pytest.raises(ExpressionError) as info:
        Expression(text).evaluate(ng)
    assert why in str(info.value)


def test_broadcasting_and_stacking_are_bounded_by_the_operands():
    net = Network()
    ng = NeuronGroup(8000, net)
    ng.voltage = torch.zeros(8000)
    assert Expression("torch.mean(voltage[:, None] * voltage[None, :10])").evaluate(ng) == 0
    with pytest.raises(ExpressionError, match="elements"):
        Expression("voltage[:, None] * voltage").evaluate(ng)
    with pytest.raises(ExpressionError, match="elements"):
        Expression("voltage[:, None] < voltage").evaluate(ng)
    ng.W = torch.zeros(6000, 6000)  # larger than MAX_NEW_ELEMENTS: as large as it stays allowed
    assert ng.W.numel() > MAX_NEW_ELEMENTS
    assert Expression("torch.cat((W[:10], W[10:])).shape[0]").evaluate(ng) == 6000
    with pytest.raises(ExpressionError, match="elements"):
        Expression("torch.stack([W, W, W])").evaluate(ng)
    with pytest.raises(ExpressionError, match="operations"):
        Expression("W @ W").evaluate(ng)


def test_refused_at_run_time_without_side_effects(ng, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recorder = Recorder(["voltage", "n.network"])
    ng.add_behavior(5, recorder)
    with pytest.raises(ExpressionError, match="'network' is a Network"):
        ng.network.simulate_iteration()
    assert ng.network.iteration == 1 and recorder.count == 0 and recorder.read("voltage").shape[0] == 0
    assert os.listdir(tmp_path) == []


def test_a_numpy_attribute_is_recorded_as_a_tensor(ng):
    ng.table = np.arange(3.0)
    assert Expression("table").evaluate(ng).tolist() == [0.0, 1.0, 2.0]


def test_evaluation_errors_are_reported_by_the_recorder_with_context(ng):
    ng.add_behavior(5, Recorder(["voltage.reshape(3, 3)"]))
    with pytest.raises(RecorderError, match="could not evaluate 'voltage.reshape"):
        ng.network.simulate_iteration()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_no_text_crashes_the_parser_with_anything_but_a_clear_error(text):
    try:
        Expression(text)
    except ExpressionError as error:
        assert str(error)


# Expressions built from a grammar of everything an attacker might combine.
_ATOMS = st.sampled_from([
    "voltage", "W", "spike", "n.voltage", "size", "torch", "n", "network", "behavior", "tags", "0", "1", "-3",
    "2.5", "10**9", "'x'", "None", "torch.float64", "torch.pi", "__builtins__", "torch.nn", "torch.os",
    "(torch,)", "[voltage]", "vector",
])
_NAMES = st.sampled_from(["mean", "abs", "sum", "zeros", "ones", "arange", "repeat", "new_zeros", "outer",
                          "__class__", "__globals__", "os", "system", "load", "save", "numpy", "tofile", "add_",
                          "handle_torch_function", "nn.functional.relu", "shape", "T", "item", "environ"])


def _expressions():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "*", "**", "@", "<<", "<", "=="]), inner).map(" ".join),
            st.tuples(inner, _NAMES).map(lambda p: f"{p[0]}.{p[1]}"),
            st.tuples(st.just("torch"), _NAMES, st.lists(inner, max_size=3)).map(
                lambda p: f"{p[0]}.{p[1]}({', '.join(p[2])})"),
            st.tuples(inner, _NAMES, st.lists(inner, max_size=2)).map(lambda p: f"{p[0]}.{p[1]}({', '.join(p[2])})"),
            st.tuples(inner, inner).map(lambda p: f"{p[0]}[{p[1]}]"),
            st.tuples(inner, inner).map(lambda p: f"({p[0]}, {p[1]})"),
            inner.map(lambda e: f"-({e})"),
        )
    return st.recursive(_ATOMS, extend, max_leaves=8)


@settings(max_examples=500, deadline=None)
@given(_expressions())
def test_generated_expressions_give_tensors_or_numbers_or_refuse_clearly(text):
    net = Network()
    ng = NeuronGroup(3, net, behavior={1: BasicBehavior()})
    net.initialize(info=False)
    ng.voltage, ng.W, ng.spike = torch.ones(3), torch.eye(3), torch.ones(3, dtype=torch.bool)
    state = (ng.voltage.clone(), ng.W.clone(), torch.get_rng_state())
    try:
        value = Expression(text).evaluate(ng)
    except ExpressionError as error:
        assert "recorder expression" in str(error)
        return
    except (AttributeError, TypeError, RuntimeError, IndexError, ValueError, ZeroDivisionError, OverflowError):
        return  # ordinary evaluation errors, reported by the recorder with context
    finally:
        assert torch.equal(ng.voltage, state[0]) and torch.equal(ng.W, state[1])
        assert torch.equal(torch.get_rng_state(), state[2])
    allowed = (torch.Tensor, bool, int, float, complex, str, torch.dtype, tuple, list, type(None))
    assert isinstance(value, allowed), (text, type(value))
    if isinstance(value, (tuple, list)):
        assert all(isinstance(v, allowed) for v in value)
