"""The seed tutorial runs unchanged but for its import line, and shows what the tutorial describes."""
import pathlib
import runpy
import subprocess
import sys

import matplotlib
import pytest
import torch

TUTORIAL = pathlib.Path(__file__).with_name("tutorial_code.py")


@pytest.fixture(scope="module")
def tutorial():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = []
    original_show = plt.show
    plt.show = lambda *a, **k: (figures.append(plt.gcf()), plt.figure())
    try:
        torch.manual_seed(0)
        namespace = runpy.run_path(str(TUTORIAL), run_name="__main__")
    finally:
        plt.show = original_show
    return namespace, figures


def test_only_the_import_line_differs_from_the_seed():
    code = TUTORIAL.read_text()
    assert "from pymonntorch_core import *" in code
    assert "pymonntorch " not in code.replace("pymonntorch_core", "")


def test_recorded_shapes_and_types(tutorial):
    ns, _ = tutorial
    net = ns["net"]
    assert net.iteration == 1000
    assert net["voltage", 0].shape == (1000, 1000)
    assert net["voltage", 0].dtype == torch.float32
    assert net["torch.mean(voltage)", 0].shape == (1000,)
    assert net["spike.t", 0].dtype == net["spike.i", 0].dtype == torch.int64
    assert net["spike.t", 0].shape == net["spike.i", 0].shape


def test_dynamics_match_the_tutorial(tutorial):
    ns, _ = tutorial
    net, ng = ns["net"], ns["ng"]
    voltage = net["voltage", 0]
    threshold = ng["BasicBehavior", 0].threshold
    assert threshold == 2.0
    # A neuron that crossed the threshold is reset to 0 before decay and input are added.
    t, i = net["spike.t", 0], net["spike.i", 0]
    assert len(t) > 100, "the network must fire"
    assert torch.all(voltage[t[t > 1] - 2, i[t > 1]] >= threshold)
    assert torch.all(voltage[t - 1, i] < threshold + 1)
    # The mean recorded by the expression is the mean of the recorded voltages.
    torch.testing.assert_close(net["torch.mean(voltage)", 0], voltage.mean(dim=1))
    assert 1 <= t.min() and t.max() <= 1000 and 0 <= i.min() and i.max() < 1000


def test_the_two_plots(tutorial):
    _, figures = tutorial
    assert len(figures) == 2
    voltage_axes, raster_axes = figures[0].axes[0], figures[1].axes[0]
    assert voltage_axes.get_title() == "Voltage of first 10 neurons"
    assert len(voltage_axes.lines) == 12  # 10 neurons, the mean, the threshold
    assert voltage_axes.lines[-1].get_ydata()[0] == 2.0
    assert raster_axes.get_title() == "Raster Plot"
    assert len(raster_axes.lines[0].get_xdata()) > 100


def test_runs_as_a_script():
    result = subprocess.run([sys.executable, str(TUTORIAL)], capture_output=True, text=True,
                            env={"MPLBACKEND": "Agg", "PATH": ""}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Network" in result.stdout and "NeuronGroup" in result.stdout
