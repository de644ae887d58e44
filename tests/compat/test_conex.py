"""An unchanged CoNeX network runs on pymonntorch_core and measures what the published pymonntorch measures.

The reference values come from ``record_reference.py`` run under pymonntorch 0.1.4 + cnrl-conex 0.1.5.
"""
import pytest

from .conftest import REFERENCE, require_conex

EXPECTED = REFERENCE["conex_scenario"]
EXACT = {"network_tags", "structure_tags", "structure_classes", "parent_structures", "sub_structures",
         "network_sub_structures", "net_attribute_L4_exc", "execution_order", "afferent_proximal",
         "spikes_per_step", "spike_totals", "recorded_v_shapes", "recorded_trace_shapes",
         "recorded_spike_shapes", "recorded_spike_rows_stimulus", "iteration"}


@pytest.fixture(scope="module")
def measured(published_names):
    require_conex()
    import warnings

    import conex_scenario

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # CoNeX code must run without our warnings
        return conex_scenario.run()


def test_the_scenario_measures_every_reference_value(measured):
    assert measured.keys() == EXPECTED.keys()
    assert sum(EXPECTED["spike_totals"]) > 300 and len(EXPECTED["structure_tags"]) == 21  # a busy, real network


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_conex_value_matches_the_published_package(measured, name):
    if name in EXACT:
        assert measured[name] == EXPECTED[name]
    else:
        assert close(measured[name], EXPECTED[name]), (measured[name], EXPECTED[name])


def close(ours, theirs):
    """Equal structure, and numbers within 1e-4 (relative to their size when larger than 1)."""
    if isinstance(theirs, float) or isinstance(ours, float):
        return abs(ours - theirs) <= 1e-4 * max(1.0, abs(theirs))
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(map(close, ours, theirs))
    return ours == theirs


def test_conex_input_layer_kwta_and_homeostasis_match_the_published_package(published_names):
    require_conex()
    import conex_scenario

    expected = REFERENCE["conex_input_layer"]
    measured = conex_scenario.run_input_layer()
    assert len(expected["spike_events"]) > 50
    for name in sorted(expected):
        assert close(measured[name], expected[name]), name


def test_the_payoff_reads_the_last_group_tagged_l4_exc(measured):
    # replicate(l4) adds a second 'L4_exc' (renamed 'L4_excb' at initialize): net.L4_exc is that one.
    index = measured["net_attribute_L4_exc"]
    assert measured["structure_tags"][index][0] == "L4_excb"
    assert measured["structure_tags"][index][-1] == "L4_exc"


def test_a_conex_network_snapshot_restores_and_repeats_exactly(published_names):
    require_conex()
    import conex_scenario
    import torch

    kept = []
    conex_scenario.run(iterations=15, keep=kept)
    net = kept[0]
    snapshot = net.snapshot()  # CoNeX state includes expanded (stride 0) delay tensors
    net.simulate_iterations(10, measure_block_time=False)
    first = [sg.weights.clone() for sg in net.SynapseGroups] + [net.dopamine_concentration]
    net.restore(snapshot)
    net.simulate_iterations(10, measure_block_time=False)
    again = [sg.weights.clone() for sg in net.SynapseGroups] + [net.dopamine_concentration]
    assert all(torch.equal(torch.as_tensor(a), torch.as_tensor(b)) for a, b in zip(first, again))
    assert net.iteration == 25
