"""Mode strings: values, dtypes and RNG use match plain torch calls under the same seed."""
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from pymonntorch_core import ArgumentError, Network, NeuronGroup, SynapseGroup


@pytest.fixture
def ng():
    return NeuronGroup(50, Network())


def drawn(make):
    torch.manual_seed(7)
    return make()


@pytest.mark.parametrize("mode, reference", [
    ("zeros", lambda: torch.zeros(50)),
    ("ones", lambda: torch.ones(50)),
    (3, lambda: torch.full((50,), 3.0)),
    (2.5, lambda: torch.full((50,), 2.5)),
    ("0.25", lambda: torch.full((50,), 0.25)),
    ("uniform", lambda: torch.rand(50)),
    ("random", lambda: torch.rand(50)),
    ("rand", lambda: torch.rand(50)),
    ("uniform(2, 4)", lambda: torch.rand(50) * 2 + 2),
    ("normal(0,1)", lambda: torch.normal(0, 1, (50,))),
    ("normal", lambda: torch.normal(0.0, 1.0, (50,))),
    ("normal(mean=1, std=2)", lambda: torch.normal(1, 2, (50,))),
    ("torch.normal(0, 0.5)", lambda: torch.normal(0, 0.5, (50,))),
    ("randn", lambda: torch.randn(50)),
    ("randint(0, 5)", lambda: torch.randint(0, 5, (50,)).float()),
])
def test_modes_draw_like_torch(ng, mode, reference):
    assert torch.equal(drawn(lambda: ng.vector(mode)), drawn(reference))


def test_density_draws_values_then_mask_and_scale_multiplies(ng):
    result = drawn(lambda: ng.vector("uniform", density=0.1, scale=3))
    expected = drawn(lambda: torch.rand(50) * (torch.rand(50) <= 0.1) * 3)
    assert torch.equal(result, expected)
    assert torch.equal(ng.vector("ones", density=0), torch.zeros(50))
    assert torch.equal(ng.vector("ones", density=1), torch.ones(50))


def test_row_densities_for_matrices():
    net = Network()
    ng = NeuronGroup(200, net)
    sg = SynapseGroup(ng, ng, net)
    density = torch.zeros(200)
    density[:100] = 1.0
    w = sg.matrix("ones", density=density)
    assert w[:100].all() and not w[100:].any()


@pytest.mark.parametrize("mode", ["exponential(2)", "lognormal(0, 1)", "cauchy", "geometric(0.5)",
                                  "bernoulli(0.3)", "poisson(4)"])
def test_other_distributions_have_the_right_shape_and_support(ng, mode):
    values = ng.vector(mode)
    assert values.shape == (50,) and values.dtype == torch.float32 and torch.isfinite(values).all()


def test_distribution_statistics():
    big = NeuronGroup(200_000, Network())
    assert big.vector("normal(1, 2)").mean() == pytest.approx(1, abs=0.02)
    assert big.vector("normal(1, 2)").std() == pytest.approx(2, abs=0.02)
    assert big.vector("bernoulli(0.3)").mean() == pytest.approx(0.3, abs=0.01)
    assert big.vector("uniform", density=0.25).count_nonzero() / 200_000 == pytest.approx(0.25, abs=0.01)


@pytest.mark.parametrize("mode, message", [
    ("gaussian", "unknown mode 'gaussian'"),
    ("norml(0,1)", "did you mean 'normal'"),
    ("normal(0,", "not a mode name"),
    ("normal(x)", "finite numbers"),
    ("normal(0, -1)", "std must be >= 0"),
    ("__import__('os')", "unknown mode"),
    ("zeros().sum()", "not a mode name"),
    ("randint(5, 1)", "high must be greater"),
    ("normal(0, 1, 2, 3)", "wrong arguments"),
    (float("nan"), "finite"),
    (None, "must be a mode string"),
    (True, "must be a mode string"),
    ([1], "must be a mode string"),
])
def test_bad_modes_name_the_object_and_argument(ng, mode, message):
    with pytest.raises(ArgumentError, match="NeuronGroup 'NeuronGroup_1'.vector.mode") as info:
        ng.vector(mode)
    assert message in str(info.value)


@pytest.mark.parametrize("density", [-0.1, 1.5, "half", float("nan"), True])
def test_bad_density(ng, density):
    with pytest.raises(ArgumentError, match="vector.density: must be a number in \\[0, 1\\]"):
        ng.vector("ones", density=density)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none(), st.binary(max_size=10)))
def test_no_mode_crashes_the_parser_with_anything_but_a_clear_error(mode):
    ng = NeuronGroup(5, Network())
    try:
        result = ng.vector(mode)
    except ArgumentError as error:
        assert "vector.mode" in str(error)
    else:
        assert result.shape == (5,)


@settings(max_examples=100, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(0.01, 1e3))
def test_normal_parameters_round_trip(mean, std):
    ng = NeuronGroup(3, Network())
    values = drawn(lambda: ng.vector(f"normal({mean!r}, {std!r})"))
    assert torch.equal(values, drawn(lambda: torch.normal(mean, std, (3,))))
    assert not math.isnan(values.sum().item())
