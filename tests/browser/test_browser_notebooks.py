"""Every notebooks/*.ipynb, opened in JupyterLab and run: no error output, every widget rendered."""
import shutil
from pathlib import Path

import pytest
from browser_harness import ARTIFACTS, REPO, log, poll

pytestmark = pytest.mark.browser

NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


@pytest.fixture(scope="session")
def notebook_copy(jupyter_server):
    """The notebooks folder (with its data files) copied once into the server root."""
    dst = Path(jupyter_server.root) / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                    dirs_exist_ok=True)
    return dst


def test_notebooks_exist():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_notebook_runs_clean_in_jupyterlab(lab, notebook_copy, name):
    nb = lab.open(notebook_copy / name)
    nb.run_all(timeout=300)
    errors = nb.error_outputs()
    assert errors == [], f"{name}: error output after run-all:\n" + "\n---\n".join(errors)
    views = nb.assert_widgets_rendered(timeout=60)
    log(f"{name}: {len(views)} widget views rendered, {len(nb.outputs())} outputs")
    screenshot_dashboards(nb, Path(name).stem)


def screenshot_dashboards(nb, stem):
    """Viewport screenshots (1400x900) of the notebook's first dashboard, in the light and the dark theme."""
    page = nb.page
    if page.locator(".pymonn-dashboard").count() == 0:
        return
    page.set_viewport_size({"width": 1400, "height": 900})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for theme, light in (("JupyterLab Dark", "false"), ("JupyterLab Light", "true")):
        page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
        poll(lambda light=light: page.evaluate("() => document.body.dataset.jpThemeLight") == light, 20, 0.2, theme)
        page.evaluate("() => document.querySelector('.pymonn-dashboard').scrollIntoView({block: 'start'})")
        page.wait_for_timeout(800)
        widths = page.evaluate("""() => { const root = document.querySelector('.pymonn-dashboard .pymonn-plots-root');
          return [root.getBoundingClientRect().width,
                  ...[...root.querySelectorAll('.pymonn-plot-svg')].map((s) => Number(s.getAttribute('width')))]; }""")
        assert all(w >= 0.45 * widths[0] for w in widths[1:]), f"{stem}, {theme}: each plot should take half: {widths}"
        page.screenshot(path=str(ARTIFACTS / f"lesson_{stem}_{'light' if light == 'true' else 'dark'}.png"))
    log(f"{stem}: dashboard screenshots (light, dark)")
