"""The dashboard as a class sees it: JupyterLab + Chromium at 1400x900, an E/I network of built-ins.

Checks (issue 11): no change logged after render; both plots show one window ending at the current
iteration after a slider change during Play; "max it/s" 100 set mid-run gives 60-140 it/s; Play-top to
plots-bottom <= 800 px and no shift when a change is logged; mV / ms / neuron labels and a legend with
mean and threshold; graph text >= 11 px and edge labels apart; a dark theme gives a dark raster with
light text; clicking a raster row selects that neuron; Pause stops within 1 s and a paused dashboard
sends no frames; an offline ``nbconvert --to html --execute`` shows a picture. Screenshots (light and
dark, after Run All, after a slider change during Play, after 10 s of Play) go to test-artifacts/browser/.
"""
import re
import subprocess
import sys
import time

import pytest
from browser_harness import ARTIFACTS, button, log, poll, write_artifact_json

pytestmark = pytest.mark.browser

SIZE = {"width": 1400, "height": 900}

EI_NETWORK = '''\
from pymonntorch_core import *
from pymonn_widgets import Dashboard

torch.manual_seed(0)
net = Network()
E = NeuronGroup(800, net, tag='E', behavior={1: CurrentInput(current=15.5, noise=8.0, dt=0.1), 2: LIF(dt=0.1, refractory=2.0)})
I = NeuronGroup(200, net, tag='I', behavior={1: CurrentInput(current=15.0, noise=8.0, dt=0.1),
                                             2: LIF(dt=0.1, tau=5.0, refractory=1.0)})
SynapseGroup(net=net, src=E, dst=E, tag='GLUTAMATE', behavior={3: DenseSynapse(density=0.1, scale=2.0)})
SynapseGroup(net=net, src=E, dst=I, tag='GLUTAMATE', behavior={3: DenseSynapse(density=0.1, scale=2.0)})
SynapseGroup(net=net, src=I, dst=E, tag='GABA', behavior={3: DenseSynapse(density=0.1, scale=8.0, sign=-1.0)})
SynapseGroup(net=net, src=I, dst=I, tag='GABA', behavior={3: DenseSynapse(density=0.1, scale=8.0, sign=-1.0)})
net.initialize(info=False)
'''

SHOW = '''\
dash = Dashboard(net)
dash
'''

_GEOMETRY = """() => {
  const r = (el) => el ? el.getBoundingClientRect() : null;
  const play = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Play');
  const plots = document.querySelector('.pymonn-plots-root');
  const v = document.querySelector('.pymonn-voltage-plot'), ras = document.querySelector('.pymonn-raster-plot');
  return {play: r(play) && r(play).top, plotsTop: r(plots) && r(plots).top, plotsBottom: r(plots) && r(plots).bottom,
          voltage: v ? v.innerText + ' ' + [...v.querySelectorAll('text')].map((t) => t.textContent).join(' ') : '',
          raster: ras ? ras.innerText + ' ' + [...ras.querySelectorAll('text')].map((t) => t.textContent).join(' ') : '',
          now: plots ? Number(plots.dataset.now) : null};
}"""

_AXES = """() => {
  // the first and last x tick labels of both plots (they must agree: one window) and the frame counter
  const ticks = (sel) => [...document.querySelectorAll(sel + ' .axis text.tick')]
      .filter((t) => t.getAttribute('text-anchor') === 'middle').map((t) => Number(t.textContent));
  const root = document.querySelector('.pymonn-plots-root');
  return {voltage: ticks('.pymonn-voltage-plot'), raster: ticks('.pymonn-raster-plot'),
          now: Number(root.dataset.now), frames: Number(root.dataset.frames)};
}"""

_GRAPH_TEXT = """() => {
  const texts = [...document.querySelectorAll('.pymonn-graph-root text')];
  const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM() ? t.getScreenCTM().a : 1));
  const labels = [...document.querySelectorAll('.pymonn-graph-root text.label')].map((t) => t.getBoundingClientRect());
  let overlaps = 0;
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    const a = labels[i], b = labels[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++;
  }
  return {count: texts.length, min: Math.min(...sizes), labels: labels.length, overlaps};
}"""

_THEME = """() => {
  const c = document.querySelector('.pymonn-raster-canvas');
  const ctx = c.getContext('2d');
  const d = ctx.getImageData(2, 2, 1, 1).data;                 // a corner of the plot area
  const t = document.querySelector('.pymonn-raster-plot .axis text.tick');
  const rgb = (s) => (s.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
  const lum = (x) => (0.2126 * x[0] + 0.7152 * x[1] + 0.0722 * x[2]);
  return {area: lum([d[0], d[1], d[2]]), text: lum(rgb(getComputedStyle(t).fill))};
}"""


def threshold_slider(page):
    return page.locator(".widget-slider", has=page.locator("label", has_text=re.compile(r"^\s*threshold"))).first


def geometry(page):
    return page.evaluate(_GEOMETRY)


def rate(nb, seconds):
    a, t0 = nb.value("net.iteration"), time.monotonic()
    time.sleep(seconds)
    return (nb.value("net.iteration") - a) / (time.monotonic() - t0)


@pytest.fixture(scope="module")
def dash_page(jupyter_server, browser):
    import nbformat
    from browser_harness import Lab

    path = jupyter_server.root / "dashboard_class.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (EI_NETWORK, SHOW)]
    nbformat.write(nb, path)
    lab = Lab(jupyter_server, browser, "dashboard_class")
    lab.page.set_viewport_size(SIZE)
    try:
        notebook = lab.open(path)
        lab.page.set_viewport_size(SIZE)
        notebook.run_all(timeout=180)
        assert notebook.error_outputs() == []
        poll(lambda: geometry(lab.page)["plotsBottom"], 60, 0.25, "the dashboard's plots in the page")
        yield notebook
    finally:
        try:
            notebook.kernel_exec("dash.pause()", timeout=5)
        except Exception:  # noqa: BLE001
            pass
        lab.close()
        jupyter_server.shutdown_kernels([n.path for n in lab.notebooks])


def shot(nb, name):
    """A screenshot of what a person sees at 1400x900 (the viewport, not the whole notebook)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    nb.page.screenshot(path=str(path))
    log(f"screenshot {path.name}")
    return path


def scroll_to_dashboard(page):
    page.evaluate("() => document.querySelector('.pymonn-controls').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def test_after_run_all_nothing_is_logged_and_it_fits_one_screen(dash_page):
    nb, page = dash_page, dash_page.page
    time.sleep(2.0)
    assert nb.value("len(dash.controller.log)") == 0, nb.value("[str(c) for c in dash.controller.log]")
    scroll_to_dashboard(page)
    g = geometry(page)
    height = g["plotsBottom"] - g["play"]
    log(f"Play top to plots bottom: {height:.0f} px")
    widths = page.evaluate("""() => [document.querySelector('.pymonn-plots-root').getBoundingClientRect().width,
      ...[...document.querySelectorAll('.pymonn-plot-svg')].map((s) => Number(s.getAttribute('width')))]""")
    assert all(w >= 0.45 * widths[0] for w in widths[1:]), f"each plot should take half the width: {widths}"
    write_artifact_json("dashboard_class.json", {"play_to_plots_bottom_px": round(height)})
    assert height <= 800, f"controls to plots: {height:.0f} px"
    for unit in ("mV", "ms"):
        assert unit in g["voltage"], g["voltage"]
    assert "neuron" in g["raster"] and "ms" in g["raster"]
    assert "mean" in g["voltage"] and "threshold" in g["voltage"]
    shot(nb, "class_light_after_run_all")


def test_graph_text_is_legible_and_edge_labels_apart(dash_page):
    text = dash_page.page.evaluate(_GRAPH_TEXT)
    log(f"graph: {text}")
    assert text["count"] >= 6 and text["min"] >= 11 and text["labels"] == 4 and text["overlaps"] == 0, text


def test_slider_change_during_play_keeps_one_window_and_nothing_moves(dash_page):
    nb, page = dash_page, dash_page.page
    scroll_to_dashboard(page)
    button(page, "Play").click()
    poll(lambda: nb.value("net.iteration") > 2000, 60, 0.25, "the run to pass iteration 2000")
    before = geometry(page)
    slider = threshold_slider(page)
    handle = slider.locator(".noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    poll(lambda: nb.value("len(dash.controller.log)") == 1, 10, 0.2, "the change to be logged")
    time.sleep(1.5)
    after = geometry(page)
    assert abs(after["plotsTop"] - before["plotsTop"]) < 1 and abs(after["play"] - before["play"]) < 1, (before, after)
    axes = page.evaluate(_AXES)
    now = nb.value("net.iteration")
    window_ms = nb.value("dash.controller.window * dash.controller.dt")
    log(f"axes after the change: {axes}, kernel at {now}")
    assert axes["voltage"] == axes["raster"], axes                         # one window for both
    span = axes["voltage"][-1] - axes["voltage"][0]
    assert 0.6 * window_ms <= span <= window_ms + 1e-6, (span, window_ms)
    assert axes["now"] * 0.1 >= axes["voltage"][-1] - 0.25 * window_ms       # ends at the current iteration
    assert now - axes["now"] < 3000, f"the page shows iteration {axes['now']}, the kernel is at {now}"
    shot(nb, "class_light_slider_change_during_play")


def test_max_its_set_mid_run_is_honoured(dash_page):
    nb, page = dash_page, dash_page.page
    if not nb.value("dash.controller.is_running"):
        button(page, "Play").click()
    box = page.locator(".widget-inline-hbox", has=page.locator("label", has_text=re.compile(r"max it/s"))).locator("input")
    box.first.fill("100")
    box.first.press("Enter")
    poll(lambda: nb.value("dash.controller.speed_limit") == 100.0, 10, 0.2, "the limit to reach the kernel")
    measured = rate(nb, 4.0)
    log(f"max it/s 100 set mid-run: {measured:.1f} it/s")
    write_artifact_json("dashboard_class.json", {"max_its_100_measured": round(measured, 1)})
    assert 60 <= measured <= 140
    box.first.fill("0")
    box.first.press("Enter")
    poll(lambda: nb.value("dash.controller.speed_limit") is None, 10, 0.2, "unlimited again")


def test_ten_seconds_of_play_then_pause_stops_and_sends_nothing(dash_page):
    nb, page = dash_page, dash_page.page
    if not nb.value("dash.controller.is_running"):
        button(page, "Play").click()
    time.sleep(10)
    scroll_to_dashboard(page)
    shot(nb, "class_light_after_10s_play")
    frames_before = page.evaluate(_AXES)["frames"]
    assert frames_before > 20
    t_click = time.time()
    button(page, "Pause").click()
    poll(lambda: not nb.value("dash.controller.is_running"), 5, 0.05, "Pause to stop the run")
    latency = time.time() - t_click
    log(f"Pause -> stopped: {latency:.2f} s")
    assert latency < 1.5
    sent = nb.value("dash.plots.frames_sent")
    time.sleep(2.0)
    assert nb.value("dash.plots.frames_sent") == sent, "a paused dashboard sent frames"


def test_clicking_a_raster_row_selects_that_neuron(dash_page):
    nb, page = dash_page, dash_page.page
    canvas = page.locator(".pymonn-raster-canvas")
    box = canvas.bounding_box()
    neurons = nb.value("dash.controller.plot_group.size")
    row = 123
    y = box["height"] - (row + 0.5) / neurons * box["height"]
    canvas.click(position={"x": box["width"] / 2, "y": y})
    tolerance = max(1, int(2 * neurons / box["height"]))       # a pixel row holds several neurons
    chosen = poll(lambda: (lambda n: n if abs(n - row) <= tolerance else None)(nb.value("dash.controller.selected_neurons[0]")),
                  10, 0.2, f"neuron {row} (+-{tolerance}) to be selected")
    log(f"clicked row {row}: neuron {chosen} selected")
    poll(lambda: f"neuron {chosen}" in geometry(page)["voltage"], 10, 0.2, f"the legend to show neuron {chosen}")


def test_dark_theme_gives_a_dark_raster_with_light_text(dash_page):
    nb, page = dash_page, dash_page.page
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})")
    poll(lambda: page.evaluate("() => document.body.dataset.jpThemeLight") == "false", 20, 0.2, "the dark theme")
    page.wait_for_timeout(1000)
    button(page, "Step").click()            # a new frame, drawn in the dark theme
    theme = poll(lambda: (lambda t: t if t["area"] < 80 and t["text"] > 150 else None)(page.evaluate(_THEME)), 15, 0.3,
                 "a dark raster area with light text")
    log(f"dark theme: {theme}")
    scroll_to_dashboard(page)
    shot(nb, "class_dark_after_step")
    button(page, "Play").click()
    time.sleep(3)
    shot(nb, "class_dark_during_play")
    button(page, "Pause").click()
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")


def test_offline_html_export_shows_a_picture(tmp_path, browser):
    import nbformat

    path = tmp_path / "export.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (EI_NETWORK, SHOW, "dash.controller.run(1000)")]
    nbformat.write(nb, path)
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute", str(path)],
                   check=True, capture_output=True, timeout=300)
    html = (tmp_path / "export.html").read_text()
    assert "pymonn-static-picture" in html
    context = browser.new_context(viewport=SIZE, offline=True)
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto((tmp_path / "export.html").as_uri())
        image = page.locator(".pymonn-static-picture img")
        poll(lambda: image.count() == 1 and image.evaluate("(i) => i.complete && i.naturalWidth > 600"), 20, 0.2,
             "the still picture in the offline page")
        assert image.is_visible()
        image.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "class_offline_html_export.png"))
    finally:
        context.close()
