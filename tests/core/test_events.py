"""Finding events: NumPy's answer on the CPU must be exactly torch.nonzero's, for every dtype and shape."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from pymonntorch_core import EventRecorder, Network, NeuronGroup
from pymonntorch_core.events import nonzero_indices, nonzero_rows

DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int32, torch.int64, torch.float16, torch.bfloat16,
          torch.float32, torch.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@given(entries=st.lists(st.sampled_from([0.0, 1.0, -2.0, 0.5, float("nan")]), max_size=300))
@settings(max_examples=25, deadline=None)
def test_indices_are_torch_nonzero_for_every_dtype(dtype, entries):
    values = torch.tensor(entries, dtype=torch.float64)
    if not dtype.is_floating_point:
        values = values.nan_to_num(0.0)
    values = values.to(dtype)
    found = nonzero_indices(values)
    assert found.dtype == torch.int64 and found.device == values.device
    assert torch.equal(found, torch.nonzero(values).view(-1))


@pytest.mark.parametrize("shape", [(), (7,), (4, 5), (2, 3, 4)])
def test_rows_are_torch_nonzero_for_every_shape(shape):
    torch.manual_seed(0)
    values = torch.rand(shape) < 0.4
    assert torch.equal(nonzero_rows(values), torch.nonzero(values))
    assert nonzero_rows(torch.zeros(shape, dtype=torch.bool)).shape == (0, len(shape))


def test_tensors_numpy_cannot_share_take_torchs_path():
    grad = torch.tensor([0.0, 1.5, 0.0, 2.0], requires_grad=True)
    assert nonzero_indices(grad).tolist() == [1, 3]
    strided = torch.arange(12).reshape(3, 4).T  # not contiguous
    assert torch.equal(nonzero_rows(strided), torch.nonzero(strided))


def test_the_indices_do_not_alias_the_spike_vector():
    spike = torch.tensor([False, True, True])
    found = nonzero_indices(spike)
    spike.zero_()
    assert found.tolist() == [1, 2]


def test_an_event_recorder_on_a_2d_variable_records_every_coordinate():
    net = Network()
    ng = NeuronGroup(3, net, tag="g", behavior={9: EventRecorder(["pattern"])})
    pattern = torch.tensor([[1, 0], [0, 0], [1, 1]], dtype=torch.bool)
    ng.pattern = pattern
    net.initialize(info=False)
    net.simulate_iterations(2)
    table = net["pattern", 0]
    assert table.tolist() == [[1, 0, 0], [1, 2, 0], [1, 2, 1], [2, 0, 0], [2, 2, 0], [2, 2, 1]]


def test_a_copied_network_records_into_its_own_event_table():
    import copy

    net = Network()
    ng = NeuronGroup(4, net, tag="g", behavior={9: EventRecorder(["pattern"])})
    ng.pattern = torch.tensor([True, False, True, False])
    net.initialize(info=False)
    net.simulate_iterations(1)
    twin = copy.deepcopy(net)
    twin.simulate_iterations(1)
    assert net["pattern", 0].tolist() == [[1, 0], [1, 2]]
    assert twin["pattern", 0].tolist() == [[1, 0], [1, 2], [2, 0], [2, 2]]
