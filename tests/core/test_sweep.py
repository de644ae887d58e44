"""sweep: seeded trials give the same rows serially, on the embedded cluster and on a passed Dask client;
failures are recorded and the rest go on; bad input is refused before anything starts; nothing is left running."""
import os
import subprocess
import sys
import threading
import time

import psutil
import pytest

from pymonntorch_core import LIF, ArgumentError, CurrentInput, EventRecorder, Network, NeuronGroup, sweep
from pymonntorch_core.sweep import Sweep, mean_rates, run_trial, trial_seed

distributed = pytest.importorskip("distributed")

GRID = {"current": [15.0, 16.0, 17.0, 99.0], "noise": [2.0, 4.0]}   # 8 trials; current 99 fails


def noisy_lif(current, noise, size=40):
    """LIF neurons near threshold with noisy input: the spike count depends on every random draw."""
    if current == 99.0:
        raise RuntimeError("current 99 is out of range")
    net = Network()
    NeuronGroup(size, net, behavior={1: CurrentInput(current=current, noise=noise), 2: LIF(refractory=2.0),
                                     9: EventRecorder(["spike"])}, tag="cells")
    return net


def spikes_and_voltage(net):
    ng = net.NeuronGroups[0]
    return {"spikes": int(ng.behavior[9].event_count("spike")), "mean_v": ng.voltage.mean()}


def numbers_only(result):
    """Rows without the wall-clock column."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in result.rows()]


def children():
    return {p.pid for p in psutil.Process().children(recursive=True)}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


def test_rows_are_identical_serially_embedded_and_on_a_passed_client(client):
    kwargs = dict(iterations=200, measure=spikes_and_voltage, repeats=1, seed=7, progress=False)
    serial = sweep(noisy_lif, GRID, client="serial", **kwargs)
    before = children()
    embedded = sweep(noisy_lif, GRID, client=None, **kwargs)
    assert children() <= before, "the embedded cluster left processes running"
    on_client = sweep(noisy_lif, GRID, client=client, **kwargs)

    assert numbers_only(serial) == numbers_only(embedded) == numbers_only(on_client)
    assert "LocalCluster" in embedded.engine and "client" in on_client.engine
    rows = numbers_only(serial)
    assert len(rows) == 8 and [r["current"] for r in rows] == [15.0, 15.0, 16.0, 16.0, 17.0, 17.0, 99.0, 99.0]
    ok = [r for r in rows if r["error"] is None]
    assert len(ok) == 6 and len({r["spikes"] for r in ok}) > 3        # the trials really differ
    assert all(isinstance(r["spikes"], int) and isinstance(r["mean_v"], float) for r in ok)
    # the trial that raised is recorded with its parameters, seed and traceback; the others completed
    for result in (serial, embedded, on_client):
        assert [t.parameters["current"] for t in result.failed] == [99.0, 99.0]
        failure = result.failed[0]
        assert failure.seed == trial_seed(7, {"current": 99.0, "noise": 2.0}, 0)
        assert "RuntimeError: current 99 is out of range" in failure.traceback
        assert "noisy_lif" in failure.traceback and failure.error.startswith("RuntimeError")
    # the passed client stays open and usable
    assert client.status == "running"
    assert client.submit(sum, [1, 2, 3]).result(timeout=30) == 6


def test_a_trial_alone_gives_the_same_numbers_as_in_the_sweep():
    result = sweep(noisy_lif, {"current": [16.0], "noise": [3.0]}, 150, measure=spikes_and_voltage, repeats=3,
                   seed=1, client="serial", progress=False)
    for trial in result.trials:
        alone = run_trial(noisy_lif, spikes_and_voltage, trial.parameters, trial.seed, 150)
        assert alone["measures"] == trial.measures
    assert len({t.seed for t in result.trials}) == 3
    assert len({t.measures["spikes"] for t in result.trials}) > 1       # repeats differ
    again = sweep(noisy_lif, {"current": [16.0], "noise": [3.0]}, 150, measure=spikes_and_voltage, repeats=3,
                  seed=1, client="serial", progress=False)
    assert numbers_only(again) == numbers_only(result)
    other = sweep(noisy_lif, {"current": [16.0], "noise": [3.0]}, 150, measure=spikes_and_voltage, repeats=3,
                  seed=2, client="serial", progress=False)
    assert [t.seed for t in other.trials] != [t.seed for t in result.trials]


def test_rebuild_then_run_repeats_the_trial():
    running = Sweep(noisy_lif, {"current": [16.0, 17.0], "noise": [3.0]}, 120, measure=spikes_and_voltage,
                    client="serial", progress=False)
    result = running.run()
    net = running.rebuild(1)
    assert net.iteration == 0 and net.NeuronGroups[0].behavior[1].current == 17.0
    net.simulate_iterations(120, measure_block_time=False)
    assert spikes_and_voltage(net)["spikes"] == result.trials[1].measures["spikes"]


def test_trial_seed_is_stable_across_processes_and_hash_seeds():
    params = {"g": 4.5, "rate": 20, "name": "x"}
    here = trial_seed(3, params, 1)
    code = ("from pymonntorch_core.sweep import trial_seed; "
            "print(trial_seed(3, {'rate': 20, 'name': 'x', 'g': 4.5}, 1))")
    for hash_seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        assert int(out.stdout) == here
    assert 0 <= here < 2**63
    assert trial_seed(3, params, 0) != here and trial_seed(4, params, 1) != here
    assert trial_seed(3, {**params, "g": 4.25}, 1) != here


def test_default_measure_is_the_mean_rate_of_recorded_groups():
    result = sweep(noisy_lif, [{"current": 17.0, "noise": 2.0}], 250, client="serial", progress=False)
    trial = result.trials[0]
    net = Sweep(noisy_lif, [{"current": 17.0, "noise": 2.0}], 250, client="serial").rebuild(0)
    net.simulate_iterations(250, measure_block_time=False)
    spikes = net.NeuronGroups[0].behavior[9].event_count("spike")
    assert spikes > 0
    assert trial.measures == {"cells_rate": pytest.approx(spikes / 40 / 250 * 1000.0)}   # LIF dt = 1 ms: Hz
    assert mean_rates(net) == trial.measures


def test_explicit_parameter_sets_and_the_table():
    pd = pytest.importorskip("pandas")
    sets = [{"current": 16.0, "noise": 1.0}, {"current": 18.0, "noise": 3.0}, {"current": 99.0, "noise": 1.0}]
    result = sweep(noisy_lif, sets, 100, repeats=2, client="serial", progress=False)
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["current", "noise", "repeat", "seed", "cells_rate", "seconds", "error"]
    assert list(frame["current"]) == [16.0, 16.0, 18.0, 18.0, 99.0, 99.0]
    assert list(frame["repeat"]) == [0, 1, 0, 1, 0, 1]
    assert frame["error"].isna().sum() == 4 and frame["cells_rate"].isna().sum() == 2
    assert (frame["seconds"] > 0).all()
    assert "6 trials: 4 ok, 2 failed" in repr(result)


@pytest.mark.parametrize("measure, message", [
    (lambda net: 3.0, "must return a non-empty dict of numbers, got 3.0"),
    (lambda net: {"rate": "fast"}, "'rate' must be a number, got 'fast'"),
    (lambda net: {"rate": [1.0, 2.0]}, "'rate' must be a number"),
    (lambda net: {"seed": 1.0}, "'seed' is already a column"),
    (lambda net: {"noise": 1.0}, "'noise' is already a column"),
])
def test_a_bad_measure_is_reported_per_trial(measure, message):
    result = sweep(noisy_lif, {"current": [16.0, 17.0], "noise": [1.0]}, 20, measure=measure, client="serial",
                   progress=False)
    assert len(result.failed) == 2 and all(message in t.error for t in result.failed)


def test_a_measure_failing_for_some_trials_does_not_stop_the_others():
    def picky(net):
        current = net.NeuronGroups[0].behavior[1].current
        return {"spikes": 1} if current < 17 else None
    result = sweep(noisy_lif, {"current": [15.0, 16.0, 17.0, 18.0], "noise": [1.0]}, 20, measure=picky,
                   client="serial", progress=False)
    assert [t.ok for t in result.trials] == [True, True, False, False]
    assert "sweep.measure: must return a non-empty dict of numbers, got None" in result.failed[0].error


def counting_build(calls):
    def build(current, noise):
        calls.append((current, noise))
        return noisy_lif(current, noise)
    return build


@pytest.mark.parametrize("kwargs, message", [
    ({"parameters": {}}, "sweep.parameters: the grid is empty"),
    ({"parameters": []}, "sweep.parameters: the list of parameter sets is empty"),
    ({"parameters": {"current": [], "noise": [1.0]}}, "sweep.parameters['current']: must be a non-empty list"),
    ({"parameters": {"current": 16.0, "noise": [1.0]}}, "sweep.parameters['current']: must be a list of values, got 16.0"),
    ({"parameters": {"current": "16", "noise": [1.0]}}, "must be a list of values, got '16'"),
    ({"parameters": {"current": {16.0}, "noise": [1.0]}}, "must be a list of values"),
    ({"parameters": {"current": [16.0], "nosie": [1.0]}}, "build() does not accept current, nosie"),
    ({"parameters": {"current": [16.0]}}, "build() does not accept current"),
    ({"parameters": [{"current": 16.0, "noise": 1.0}, 3]}, "sweep.parameters[1]: must be a dict"),
    ({"parameters": "current"}, "sweep.parameters: must be a dict of lists"),
    ({"iterations": 0}, "sweep.iterations: must be a positive int, got 0"),
    ({"iterations": -5}, "sweep.iterations: must be a positive int, got -5"),
    ({"iterations": 2.5}, "sweep.iterations: must be a positive int, got 2.5"),
    ({"iterations": True}, "sweep.iterations: must be a positive int, got True"),
    ({"iterations": "100"}, "sweep.iterations: must be a positive int, got '100'"),
    ({"repeats": 0}, "sweep.repeats: must be a positive int"),
    ({"seed": 1.5}, "sweep.seed: must be an int"),
    ({"measure": "rate"}, "sweep.measure: must be None or a function"),
    ({"client": 3}, "sweep.client: must be None, 'serial', a distributed.Client or a scheduler address"),
])
def test_bad_input_is_refused_before_anything_starts(kwargs, message):
    calls = []
    arguments = {"parameters": {"current": [16.0], "noise": [1.0]}, "iterations": 10, **kwargs}
    parameters, iterations = arguments.pop("parameters"), arguments.pop("iterations")
    before = children()
    with pytest.raises(ArgumentError) as info:
        sweep(counting_build(calls), parameters, iterations, progress=False, **arguments)
    assert message in str(info.value)
    assert calls == [] and children() == before


def test_not_a_function_as_build():
    with pytest.raises(ArgumentError, match="sweep.build: must be a function returning a Network, got 3"):
        sweep(3, {"x": [1]}, 10)


def test_build_returning_something_else_fails_per_trial():
    result = sweep(lambda x: x, {"x": [1, 2]}, 10, client="serial", progress=False)
    assert len(result.failed) == 2 and "sweep.build: must return a Network, got 1 (int)" in result.failed[0].error


def test_an_unreachable_scheduler_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(ArgumentError, match=r"sweep.client: cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        sweep(noisy_lif, GRID, 10, client="tcp://127.0.0.1:9", progress=False)
    assert time.perf_counter() - start < 20


def slow_lif(current, noise):
    time.sleep(0.3)
    return noisy_lif(current, noise)


def test_cancel_a_serial_sweep_keeps_what_finished():
    running = sweep(slow_lif, {"current": [15.0, 16.0, 17.0, 18.0, 19.0, 20.0], "noise": [1.0]}, 10,
                    client="serial", progress=False, wait=False)
    first = threading.Event()
    running.on_trial(lambda trial: first.set())
    assert first.wait(30)
    running.cancel()
    result = running.result(timeout=30)
    assert result.cancelled and running.done
    assert 1 <= len(result.trials) < 6 and len(result.trials) + len(result.not_run) == 6
    assert all(t.ok for t in result.trials)


def test_cancel_an_embedded_sweep_closes_the_cluster():
    before = children()
    running = sweep(slow_lif, {"current": [15.0, 16.0, 17.0, 18.0] * 4, "noise": [1.0]}, 10, progress=False,
                    wait=False)
    seen = threading.Event()
    running.on_trial(lambda trial: seen.set())
    assert seen.wait(120), "no trial finished on the embedded cluster"
    running.cancel()
    result = running.result(timeout=60)
    assert result.cancelled and result.not_run
    assert children() <= before, "cancelling left worker processes running"


def test_an_error_on_the_embedded_cluster_closes_it(monkeypatch):
    """An error while driving the sweep (here: waiting for results fails) still closes the cluster."""
    before = children()

    def broken(*args, **kwargs):
        raise OSError("scheduler went away")
    monkeypatch.setattr(distributed, "as_completed", broken)
    with pytest.raises(OSError, match="scheduler went away"):
        sweep(noisy_lif, {"current": [16.0], "noise": [1.0]}, 10, progress=False)
    assert children() <= before


def test_listeners_see_every_trial_and_a_broken_one_does_not_stop_the_sweep(caplog):
    seen = []
    running = Sweep(noisy_lif, {"current": [15.0, 16.0, 17.0], "noise": [1.0]}, 10, client="serial", progress=False)
    running.on_trial(seen.append)
    running.on_trial(lambda trial: 1 / 0)
    done = []
    running.on_done(done.append)
    result = running.run()
    assert [t.index for t in seen] == [0, 1, 2] and done == [result]
    assert "a trial listener raised" in caplog.text
    late = []
    running.on_trial(late.append)           # late listeners get the finished trials at once
    assert [t.index for t in late] == [0, 1, 2]
    with pytest.raises(Exception, match="already started"):
        running.run()


def test_progress_line_in_a_terminal(capsys):
    sweep(noisy_lif, {"current": [15.0, 16.0, 99.0], "noise": [1.0]}, 10, client="serial")
    err = capsys.readouterr().err
    assert "3/3" in err and "failed=1" in err


def test_importing_the_core_imports_no_dask():
    code = ("import sys; import pymonntorch_core; from pymonntorch_core import sweep; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'cloudpickle')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_without_distributed_the_default_runs_serially():
    code = ("import sys; sys.modules['distributed'] = None; from pymonntorch_core import Sweep; "
            "s = Sweep(lambda x: None, {'x': [1]}, 10); print(s.engine)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "serial (in-process)"
