"""Recorder expressions: torch and the object's attributes only; injection attempts are refused."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from pymonntorch_core import ExpressionError, Network, NeuronGroup, Recorder, RecorderError
from pymonntorch_core.expressions import Expression

from .helpers import BasicBehavior


@pytest.fixture
def ng():
    net = Network()
    group = NeuronGroup(4, net, behavior={1: BasicBehavior()})
    net.initialize(info=False)
    group.voltage = torch.tensor([1.0, -2.0, 3.0, 0.5])
    return group


@pytest.mark.parametrize("text, expected", [
    ("voltage", [1.0, -2.0, 3.0, 0.5]),
    ("n.voltage", [1.0, -2.0, 3.0, 0.5]),
    ("neurons.voltage[1:3]", [-2.0, 3.0]),
    ("torch.mean(voltage)", 0.625),
    ("voltage.abs().max()", 3.0),
    ("torch.clamp(voltage, min=0)", [1.0, 0.0, 3.0, 0.5]),
    ("voltage > 0.7", [True, False, True, False]),
    ("torch.nn.functional.relu(voltage)", [1.0, 0.0, 3.0, 0.5]),
    ("torch.linalg.norm(voltage) ** 2", 14.25),
    ("(voltage * 2 + 1)[0]", 3.0),
    ("size", 4),
    ("voltage.to(torch.float64).dtype == torch.float64", True),
    ("1 if size > 2 else 0", 1),
])
def test_allowed_expressions(ng, text, expected):
    value = Expression(text).evaluate(ng)
    value = value.tolist() if isinstance(value, torch.Tensor) else value
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("text, why", [
    ("__import__('os').system('echo hi')", "names starting with '_'"),
    ("voltage.__class__", "attribute '__class__' is not allowed"),
    ("torch.load('x.pt')", "not allowed"),
    ("torch.save(voltage, 'x.pt')", "not allowed"),
    ("torch.from_file('/etc/passwd')", "not allowed"),
    ("torch.manual_seed(1)", "not allowed"),
    ("torch.hub", "not an allowed torch function"),
    ("torch.ops.aten", "not an allowed torch function"),
    ("voltage.untyped_storage()", "not allowed"),
    ("voltage.add_(1)", "in-place"),
    ("voltage.numpy().tofile('x')", "not allowed"),
    ("[x for x in voltage]", "ListComp is not supported"),
    ("lambda: 1", "Lambda is not supported"),
    ("(x := 1)", "NamedExpr is not supported"),
    ("f'{voltage}'", "JoinedStr is not supported"),
    ("{1: 2}", "Dict is not supported"),
    ("*voltage", "not valid Python"),
    ("voltage; import os", "not valid Python"),
    ("network._iteration", "attribute '_iteration' is not allowed"),
])
def test_refused_at_construction_with_the_reason(text, why):
    with pytest.raises(ExpressionError) as info:
        Recorder([text])
    assert why in str(info.value)


@pytest.mark.parametrize("text", [
    "open('/etc/passwd')",  # a name, so an attribute of the group: there is none
    "print(voltage)",
    "network.initialize()",  # methods of network objects may not be called
    "n.vector('ones')",
    "voltage.numpy().dump('x')",
])
def test_refused_when_evaluated_without_side_effects(ng, text):
    recorder = Recorder([text])
    ng.add_behavior(5, recorder)
    with pytest.raises((RecorderError, ExpressionError)):
        ng.network.simulate_iteration()
    assert ng.network.iteration == 1 and ng["Recorder", 0].count == 0


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_no_text_crashes_the_parser_with_anything_but_a_clear_error(text):
    try:
        Expression(text)
    except ExpressionError as error:
        assert str(error)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["voltage", "torch", ".", "(", ")", "mean", "_", "[", "]", "0", "+",
                                 "__class__", "n", ",", "load", "abs", "*", "'x'", " "]), max_size=12))
def test_token_soup_is_either_accepted_or_clearly_refused(tokens):
    net = Network()
    ng = NeuronGroup(3, net, behavior={1: BasicBehavior()})
    net.initialize(info=False)
    try:
        expression = Expression("".join(tokens))
    except ExpressionError:
        return
    try:
        expression.evaluate(ng)
    except ExpressionError:
        pass
    except (AttributeError, TypeError, RuntimeError, IndexError, ValueError):
        pass  # ordinary evaluation errors, reported by the recorder with context
