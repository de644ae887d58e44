"""The live dashboard in JupyterLab + headless Chromium: graph, run controls, live slider, plots, errors.

The page contract (issue 3): groups ``[data-group=tag]``, synapses ``[data-synapse=tag]``, buttons named
Play/Pause/Step/Reset, an ipywidgets slider labelled ``threshold``, ``.pymonn-voltage-plot``,
``.pymonn-raster-plot``, ``.pymonn-iteration`` and ``.pymonn-error``.

The tests of one module share one open dashboard (opening JupyterLab and running the notebook costs ~10 s);
each test first puts the run into the state it needs (playing or paused).
"""
import re
import time

import pytest
from browser_harness import button, log, poll, write_artifact_json
from dashboard_notebooks import DASHBOARD_NETWORK, FAULTY, HELPERS, SHOW_DASHBOARD, TUTORIAL_BEHAVIORS

pytestmark = pytest.mark.browser

GROUPS = ["excitatory", "inhibitory"]
PRESSES = 5      # slider latency samples
PAUSES = 3       # pause latency samples
SYNAPSES = ["GLUTAMATE", "GABA"]


# ---------------------------------------------------------------------------------------------------------
# page helpers
# ---------------------------------------------------------------------------------------------------------
def threshold_slider(page):
    return page.locator(".widget-slider", has=page.locator("label", has_text=re.compile(r"^\s*threshold\s*$")))


_MARK_EVENTS = """() => { if (window.__marks) return; window.__marks = {};
  for (const type of ['click', 'keydown']) document.addEventListener(type, () => { window.__marks[type] = Date.now(); }, true); }"""


def mark_events(page):
    """Record (page clock, ms since the epoch) when the next click / keydown reaches the document."""
    page.evaluate(_MARK_EVENTS)
    page.evaluate("() => { window.__marks = {}; }")


def event_time(page, kind):
    """``time.time()``-comparable seconds of the last ``kind`` event the page received (same machine clock)."""
    ms = page.evaluate("(k) => window.__marks[k] || null", kind)
    assert ms, f"the page saw no {kind} event"
    return ms / 1000


def iteration(nb):
    return nb.value("net.iteration")


def is_advancing(nb, wait=0.6):
    a = iteration(nb)
    time.sleep(wait)
    return iteration(nb) > a


def ensure_running(nb):
    if not is_advancing(nb, 0.4):
        button(nb.page, "Play").click()
        poll(lambda: is_advancing(nb, 0.3), 15, 0.1, "Play to start the run")


def ensure_paused(nb):
    button(nb.page, "Pause").click()
    poll(lambda: not is_advancing(nb, 0.5), 15, 0.1, "Pause to stop the run")


_PLOT_JS = """(sel) => {
  // What a plot draws: how many marks, and a hash of their geometry / pixels (changes when it redraws).
  const root = document.querySelector(sel);
  if (!root) return null;
  const r = root.getBoundingClientRect();
  let h = 0, marks = 0;
  const mix = (s) => { for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; };
  for (const p of root.querySelectorAll('path, circle, rect.bar')) {
    if (p.closest('.axis, .tick, defs, clipPath, .legend')) continue;
    const d = p.getAttribute('d') || p.getAttribute('cx') || '';
    if (!d || d.length < 4) continue;
    marks++;
    mix(d); mix(p.getAttribute('transform') || ''); mix((p.parentNode.getAttribute && p.parentNode.getAttribute('transform')) || '');
  }
  for (const im of root.querySelectorAll('image, img')) {
    const s = im.getAttribute('href') || im.getAttribute('xlink:href') || im.getAttribute('src') || '';
    if (s.length > 64) { marks++; mix(s.slice(-256)); mix(String(s.length)); }
  }
  for (const c of root.querySelectorAll('canvas')) {
    if (!c.width || !c.height) continue;
    let u = '';
    try { u = c.toDataURL(); } catch (e) { continue; }
    // a blank canvas of this size encodes to a short PNG
    const blank = document.createElement('canvas'); blank.width = c.width; blank.height = c.height;
    if (u.length > blank.toDataURL().length + 200) { marks++; mix(u.slice(-512)); mix(String(u.length)); }
  }
  return {width: r.width, height: r.height, marks, sig: marks + ':' + h};
}"""



def plot_state(page, selector):
    return page.evaluate(_PLOT_JS, selector)


def counter_value(page):
    text = page.locator(".pymonn-iteration").first.inner_text()
    numbers = re.findall(r"\d[\d,]*", text)
    assert numbers, f".pymonn-iteration shows no number: {text!r}"
    return int(numbers[0].replace(",", ""))


# ---------------------------------------------------------------------------------------------------------
# the shared dashboard
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dashboard(request, jupyter_server, browser, tmp_path_factory):
    import nbformat
    from browser_harness import Lab

    path = jupyter_server.root / "dashboard_live.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (TUTORIAL_BEHAVIORS, DASHBOARD_NETWORK, SHOW_DASHBOARD, HELPERS)]
    nbformat.write(nb, path)
    lab = Lab(jupyter_server, browser, "dashboard")
    try:
        notebook = lab.open(path)
        notebook.run_all(timeout=180)
        errors = notebook.error_outputs()
        assert errors == [], "the dashboard notebook printed errors:\n" + "\n".join(errors)
        yield notebook
    finally:
        try:
            notebook.kernel_exec("dash.pause() if hasattr(dash, 'pause') else None", timeout=5)
        except Exception:  # noqa: BLE001
            pass
        lab.screenshot("dashboard_final")
        lab.close()
        jupyter_server.shutdown_kernels([n.path for n in lab.notebooks])


@pytest.fixture
def shot(request, dashboard):
    """Screenshot of the shared dashboard page after each test."""
    yield dashboard
    dashboard.lab.screenshot(request.node.name)


# ---------------------------------------------------------------------------------------------------------
# tests, in the order a person would use the dashboard
# ---------------------------------------------------------------------------------------------------------
def test_dashboard_renders(shot):
    nb = shot
    nb.assert_widgets_rendered(timeout=60)


def test_graph_shows_every_group_and_synapse_tag(shot):
    page = shot.page
    assert shot.value("[g.tags[0] for g in net.NeuronGroups]") == GROUPS
    for tag in GROUPS:
        loc = page.locator(f'[data-group="{tag}"]')
        poll(lambda loc=loc: loc.count() >= 1 and loc.first.is_visible(), 30, 0.2, f'graph node [data-group="{tag}"]')
    for tag in SYNAPSES:
        loc = page.locator(f'[data-synapse="{tag}"]')
        poll(lambda loc=loc: loc.count() >= 1 and loc.first.is_visible(), 30, 0.2, f'graph edge [data-synapse="{tag}"]')
    # one edge per SynapseGroup (3: two GLUTAMATE, one GABA)
    assert page.locator("[data-synapse]").count() >= 3


def test_run_buttons_exist(shot):
    for name in ("Play", "Pause", "Step", "Reset"):
        assert button(shot.page, name).is_enabled()


def test_play_keeps_other_cells_running(shot):
    nb = shot
    ensure_paused(nb)
    before = iteration(nb)
    button(nb.page, "Play").click()
    first, secs1 = nb.run_cell("print(net.iteration)", timeout=30, typed=True)
    time.sleep(1.0)
    second, secs2 = nb.run_cell("print(net.iteration)", timeout=30, typed=True)
    log(f"play: cells answered in {secs1:.2f} s and {secs2:.2f} s: {first.strip()} -> {second.strip()}")
    a, b = int(first.strip()), int(second.strip())
    assert before <= a < b, f"net.iteration did not increase during Play: {before} -> {a} -> {b}"
    assert secs1 < 3.0 and secs2 < 3.0, f"cells took {secs1:.2f} s / {secs2:.2f} s to answer during Play"


def test_threshold_slider_changes_kernel_while_running(shot):
    nb = shot
    page = nb.page
    ensure_running(nb)
    slider = threshold_slider(page)
    poll(lambda: slider.count() >= 1 and slider.first.is_visible(), 30, 0.2, "a visible slider labelled threshold")
    handle = slider.first.locator(".noUi-handle")
    latencies = []
    for _ in range(PRESSES):
        old = nb.value("ng['BasicBehavior', 0].threshold")
        it_before = iteration(nb)
        handle.focus()
        mark_events(page)
        handle.press("ArrowRight")
        t_press = event_time(page, "keydown")
        # slow polling: a busy poll loop of execute requests would itself delay the kernel
        new = poll(lambda old=old: (lambda v: v if v != old else None)(nb.value("ng['BasicBehavior', 0].threshold")),
                   10, 0.25, "the kernel to see a new threshold")
        assert new > old, f"ArrowRight should raise the threshold: {old} -> {new}"
        # the run went on, without a reset
        its = [iteration(nb)]
        time.sleep(0.4)
        its.append(iteration(nb))
        assert its[0] >= it_before and its[1] > its[0], f"run stopped or reset after the slider: {it_before} -> {its}"
        # the core used the new value in an iteration (the probe logs what each iteration saw, with time.time())
        changes = nb.value("PROBE['changes']")
        seen = [c for c in changes if c[0] >= t_press - 0.05 and abs(c[3] - new) < 1e-6]
        assert seen, f"no iteration saw threshold {new} after the key press; probe log: {changes[-5:]}"
        latencies.append(seen[0][0] - t_press)
    assert nb.value("ng['BasicBehavior', 0].threshold") > 2.0
    ms = sorted(round(x * 1000, 1) for x in latencies)
    median = ms[len(ms) // 2]
    rate = nb.value("float(dash.controller.rate) if hasattr(dash, 'controller') else None")
    log(f"slider latency, ArrowRight -> first iteration using the new threshold: median {median} ms, "
        f"all {ms} (goal <= 200 ms); run at {rate} it/s")
    write_artifact_json("latency.json", {
        "slider_arrowright_to_core_ms": ms,
        "slider_arrowright_to_core_median_ms": median,
        "slider_run_rate_it_per_s": rate,
    })
    # The 200 ms goal is measured and reported above (latency.json); CI asserts liveness only, with
    # room for a loaded machine: a timed assertion at the goal would make a noisy CI red.
    assert median <= 1000, f"slider changes take {median} ms (median) to reach the running network"


def test_plots_draw_and_counter_increases(shot):
    nb = shot
    page = nb.page
    ensure_running(nb)
    for sel in (".pymonn-voltage-plot", ".pymonn-raster-plot"):
        poll(lambda sel=sel: page.locator(sel).count() >= 1, 30, 0.2, f"{sel} in the page")
        state = poll(lambda sel=sel: (lambda s: s if s and s["width"] > 0 and s["height"] > 0 and s["marks"] > 0 else None)(
            plot_state(page, sel)), 30, 0.25, f"{sel} to draw marks")
        # live: what is drawn changes while the run goes on
        poll(lambda sel=sel, state=state: plot_state(page, sel)["sig"] != state["sig"], 15, 0.25,
             f"{sel} to update during the run")
        log(f"{sel}: {state['width']:.0f}x{state['height']:.0f} px, {state['marks']} marks")
    c1 = counter_value(page)
    poll(lambda: counter_value(page) > c1, 10, 0.1, ".pymonn-iteration to increase")


def test_pause_stops_quickly(shot):
    nb = shot
    latencies = []
    for _ in range(PAUSES):
        ensure_running(nb)
        time.sleep(0.5)
        pause = button(nb.page, "Pause")
        mark_events(nb.page)
        pause.click()
        t_click = event_time(nb.page, "click")

        def stopped():  # two reads 0.5 s apart are equal
            a = iteration(nb)
            time.sleep(0.5)
            return a == iteration(nb)
        poll(stopped, 10, 0.0, "net.iteration to stop changing after Pause")
        t_last = nb.value("PROBE['t']")
        latencies.append(max(0.0, t_last - t_click))
        # the counter in the page shows where it stopped
        final = iteration(nb)
        poll(lambda final=final: counter_value(nb.page) == final, 10, 0.2, f".pymonn-iteration to show {final}")
    ms = sorted(round(x * 1000, 1) for x in latencies)
    median = ms[len(ms) // 2]
    log(f"pause latency, click -> last iteration: median {median} ms, all {ms} (goal <= 200 ms)")
    # for the record: iterations/s during Play (page open, frames drawn) vs simulate_iterations in the
    # same kernel (the dashboard's recorders still attached), over about the same time
    ensure_running(nb)
    i0, t0 = iteration(nb), time.monotonic()
    time.sleep(2.0)
    play_rate = (iteration(nb) - i0) / (time.monotonic() - t0)
    ensure_paused(nb)
    n = max(20, int(play_rate * 2))
    direct_rate = nb.value(f"(lambda t: (net.simulate_iterations({n}, measure_block_time=False), "
                           f"{n} / (time.perf_counter() - t))[1])(time.perf_counter())", timeout=120)
    log(f"throughput: Play {play_rate:.0f} it/s, direct simulate_iterations {direct_rate:.0f} it/s "
        f"(ratio {play_rate / direct_rate:.2f})")
    write_artifact_json("latency.json", {"pause_click_to_last_iteration_ms": ms,
                                         "pause_click_to_last_iteration_median_ms": median,
                                         "play_it_per_s_in_browser": round(play_rate, 1),
                                         "direct_simulate_it_per_s_same_kernel": round(direct_rate, 1)})
    assert median <= 1000, f"Pause takes {median} ms (median) to stop the run (goal 200 ms, reported above)"


def test_step_advances_by_steps_per_step(shot):
    nb = shot
    page = nb.page
    ensure_paused(nb)
    box = page.locator(".widget-inline-hbox", has=page.locator("label", has_text=re.compile(r"steps", re.I))) \
        .locator("input")
    if box.count():
        box.first.fill("7")
        box.first.press("Enter")
        poll(lambda: nb.value("_steps_per_step()") == 7, 10, 0.1, "steps per step to become 7 in the kernel")
    n = nb.value("_steps_per_step()")
    assert n >= 1
    for _ in range(2):
        before = iteration(nb)
        button(page, "Step").click()
        poll(lambda before=before: iteration(nb) == before + n, 10, 0.05, f"Step to advance {before} -> {before + n}")
        time.sleep(0.3)
        assert iteration(nb) == before + n, "Step kept running"


def test_reset_returns_to_zero(shot):
    nb = shot
    ensure_running(nb)
    ensure_paused(nb)
    assert iteration(nb) > 0
    button(nb.page, "Reset").click()
    poll(lambda: iteration(nb) == 0, 10, 0.1, "Reset to bring net.iteration to 0")
    poll(lambda: counter_value(nb.page) == 0, 10, 0.2, ".pymonn-iteration to show 0")
    time.sleep(0.5)
    assert iteration(nb) == 0


# ---------------------------------------------------------------------------------------------------------
# a behavior that raises during Play
# ---------------------------------------------------------------------------------------------------------
def test_error_pauses_shows_traceback_and_continues(lab, tmp_notebook):
    path = tmp_notebook([TUTORIAL_BEHAVIORS, FAULTY, SHOW_DASHBOARD], "dashboard_error.ipynb")
    nb = lab.open(path)
    nb.run_all(timeout=180)
    assert nb.error_outputs() == []
    page = nb.page
    button(page, "Play").click()
    error = page.locator(".pymonn-error")
    poll(lambda: "boom at iteration 50" in error.first.inner_text(), 30, 0.2, ".pymonn-error to show the error")
    text = error.first.inner_text()
    lab.screenshot("dashboard_error_shown")
    assert "Traceback" in text and "RuntimeError" in text and ("Faulty" in text or "forward" in text), text
    # paused at the failing iteration, records kept
    it = iteration(nb)
    time.sleep(0.5)
    assert iteration(nb) == it and 49 <= it <= 50, f"expected a pause at iteration 50, got {it}"
    before = nb.value("[float(x) for x in net['torch.mean(voltage)', 0][:49]]")
    spikes_before = nb.value("int(len(net['spike.t', 0]))")
    assert len(before) == 49
    nb.run_cell("FAULT['armed'] = False\nprint('fixed')")
    button(page, "Play").click()
    poll(lambda: iteration(nb) > 60, 20, 0.1, "the run to continue past iteration 50")
    ensure_paused(nb)
    after = nb.value("[float(x) for x in net['torch.mean(voltage)', 0][:49]]")
    assert after == before, "records from before the error changed"
    n_records = nb.value("len(net['torch.mean(voltage)', 0])")
    final = iteration(nb)
    assert n_records >= final - 1, f"{n_records} records for {final} iterations: the run did not continue in place"
    assert nb.value("int(len(net['spike.t', 0]))") >= spikes_before
    poll(lambda: "boom" not in error.first.inner_text(), 10, 0.2, "the error to clear after continuing")
