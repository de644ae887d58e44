"""In a real ipykernel (no browser): Play from a button click keeps the kernel answering, a slider
change reaches the behavior while the run goes on, and Pause stops it. Messages are what the page's
widget views send."""
import pathlib
import time

import pytest

jupyter_client = pytest.importorskip("jupyter_client")

HERE = pathlib.Path(__file__).parent


@pytest.fixture(scope="module")
def kernel():
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def execute(client, code, timeout=30):
    """Run ``code``; returns (stdout, seconds until the kernel went idle)."""
    start = time.perf_counter()
    msg_id = client.execute(code)
    out = []
    while True:
        msg = client.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out).strip(), time.perf_counter() - start


def comm(client, comm_id, data):
    client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))


def click(client, comm_id):
    comm(client, comm_id, {"method": "custom", "content": {"event": "click"}})


def test_play_slider_pause_in_a_kernel(kernel):
    ids, _ = execute(kernel, f"""
import sys, torch
torch.set_num_threads(1)
sys.path.insert(0, {str(HERE)!r})
from widget_nets import tutorial
from pymonn_widgets import Dashboard
net, ng = tutorial(size=500)
dash = Dashboard(net)
slider = [c for c in dash.parameters._controls.values() if c.description == "threshold"][0]
print(dash.controls.play_button.model_id, dash.controls.pause_button.model_id, slider.model_id)
""")
    play, pause, slider = ids.split()
    click(kernel, play)
    time.sleep(0.4)
    out, seconds = execute(kernel, "print(net.iteration, dash.controller.is_running)")
    first = int(out.split()[0])
    assert out.endswith("True") and first > 0
    assert seconds < 1.0                                   # the kernel answers during the run
    comm(kernel, slider, {"method": "update", "state": {"value": 2.04}, "buffer_paths": []})
    time.sleep(0.3)
    out, _ = execute(kernel, "print(ng.behavior[1].threshold, dash.controller.log.rows()[0][0])")
    threshold, logged_at = out.split()
    assert float(threshold) == 2.04 and int(logged_at) > first
    deadline = time.perf_counter() + 3
    while True:                                            # the run goes on after the change
        out, _ = execute(kernel, "print(net.iteration, dash.controller.is_running, repr(dash.controller.error))")
        if int(out.split()[0]) > int(logged_at) or time.perf_counter() > deadline:
            break
        time.sleep(0.1)
    assert int(out.split()[0]) > int(logged_at), out
    click(kernel, pause)
    time.sleep(0.25)
    out, _ = execute(kernel, "print(dash.controller.is_running, net.iteration)")
    assert out.split()[0] == "False"
    time.sleep(0.2)
    again, _ = execute(kernel, "print(dash.controller.is_running, net.iteration)")
    assert again == out                                    # stopped


def test_play_from_a_cell_returns_at_once(kernel):
    execute(kernel, "dash.controller.pause()")
    out, seconds = execute(kernel, "task = dash.controller.play(); print(dash.controller.is_running)")
    assert out == "True" and seconds < 2.0  # the run is endless: a blocking play would never answer
    time.sleep(0.3)
    out, _ = execute(kernel, "n = net.iteration; dash.controller.pause(); print(n)")
    time.sleep(0.2)
    out, _ = execute(kernel, "print(dash.controller.is_running)")
    assert out == "False"
