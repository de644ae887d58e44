import pytest
import torch

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(params=DEVICES)
def device(request):
    """Every available torch device: CPU always, CUDA when present."""
    return request.param


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
