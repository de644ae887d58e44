"""The sweep view in JupyterLab + headless Chromium: the heatmap fills in live, a click opens a working Dashboard."""
import pytest
from browser_harness import button, log, poll

pytestmark = pytest.mark.browser

SETUP = '''\
import time
from pymonntorch_core import *
from pymonn_widgets import SweepView

def build(current, noise):
    time.sleep(1.0)                      # slow enough to watch the cells fill in
    net = Network()
    NeuronGroup(50, net, behavior={1: CurrentInput(current=current, noise=noise), 2: LIF(refractory=2.0),
                                   9: EventRecorder(["spike"])}, tag="cells")
    return net

running = sweep(build, {"current": [15.0, 16.0, 17.0, 18.0], "noise": [1.0, 3.0]}, 200, client="serial",
                progress=False, wait=False)
view = SweepView(running)
view'''

FILLED = """() => { const cells = Array.from(document.querySelectorAll('.pymonn-sweep-plot rect.heatmapcell'));
  const blank = (c) => { const f = getComputedStyle(c).fill; return f === 'rgb(0, 0, 0)' || f === 'none' || f === ''; };
  return {cells: cells.length, filled: cells.filter(c => !blank(c)).length,
          status: (document.querySelector('.pymonn-sweep-status') || {}).innerText || ''}; }"""


def test_sweep_view_fills_in_live_and_a_click_opens_a_working_dashboard(lab, tmp_notebook):
    nb = lab.open(tmp_notebook([SETUP]))
    nb.run_all()
    assert nb.error_outputs() == []
    nb.assert_widgets_rendered()
    page = lab.page
    # live: the page shows part of the grid filled while the sweep still runs, then all of it
    seen = []

    def partly_filled():
        state = page.evaluate(FILLED)
        seen.append(state["filled"])
        return state["cells"] == 8 and 0 < state["filled"] < 8 and "running" in state["status"]
    poll(partly_filled, 60, 0.1, "the heatmap to show some but not all trials while running")
    poll(lambda: page.evaluate(FILLED)["filled"] == 8, 60, 0.2, "every cell filled")
    poll(lambda: "done" in page.evaluate(FILLED)["status"], 30, 0.2, "the status to say done")
    assert nb.value("len(running.result().trials)") == 8
    log("filled cells seen while polling:", sorted(set(seen)))

    # click the cell of current 18, noise 3 (rows are noise, columns current; the DOM lists row by row)
    cells = page.locator(".pymonn-sweep-plot rect.heatmapcell")
    index = nb.value("view._grid(list(range(8))).reshape(-1).tolist().index(7)")
    cells.nth(int(index)).click()
    poll(lambda: nb.value("view.opened is not None and view.opened.parameters") == {"current": 18.0, "noise": 3.0},
         30, 0.2, "the clicked trial to open")
    dashboard = page.locator(".pymonn-sweep-dashboard .pymonn-dashboard")
    poll(lambda: dashboard.count() == 1 and dashboard.first.is_visible(), 30, 0.2, "the dashboard beside the sweep")
    assert nb.value("view.dashboard.net.iteration") == 0
    button(dashboard.first, "Play").click()
    poll(lambda: nb.value("view.dashboard.net.iteration") > 50, 30, 0.2, "the opened trial to run after Play")
    button(dashboard.first, "Pause").click()
    assert nb.error_outputs() == []
