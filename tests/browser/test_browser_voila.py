"""A lesson served by Voilà with the class settings (classroom/): the dashboard appears, Play and Pause work,
and a visitor who leaves frees their kernel. The server and launcher are the load benchmark's."""
import sys
import time
from pathlib import Path

import pytest
from browser_harness import ARTIFACTS, REPO, VIEWPORT, log, poll

sys.path.insert(0, str(REPO / "bench"))
from classroom_load import CDN, PROBE_JS, Voila, iteration_of  # noqa: E402

pytestmark = pytest.mark.browser

LESSON = REPO / "classroom" / "lesson.ipynb"


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    server = Voila(LESSON, REPO / "classroom", tmp_path_factory.mktemp("voila"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def shown_iteration(page):
    return iteration_of(page.locator(".pymonn-iteration").inner_text())


def test_served_lesson_plays_pauses_and_frees_its_kernel(voila, browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(PROBE_JS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text and errors.append(m.text))
    page.on("requestfailed", lambda r: CDN not in r.url and errors.append(f"request failed: {r.url}"))
    try:
        t0 = time.monotonic()
        page.goto(voila.url, wait_until="commit")
        play = page.get_by_role("button", name="Play", exact=True)
        play.wait_for(state="visible", timeout=180_000)
        log(f"Voilà dashboard shown in {time.monotonic() - t0:.1f} s")
        assert page.locator(".pymonn-dashboard .pymonn-raster-plot canvas").count() >= 1
        assert len(voila.kernels()) == 1, "one visitor, one kernel"

        before = shown_iteration(page)
        play.click()
        poll(lambda: (shown_iteration(page) or 0) > before + 100, 60, 0.2, "the counter to advance after Play")
        frames = page.evaluate("() => window.__probe.frames()")
        poll(lambda: page.evaluate("() => window.__probe.frames()") > frames + 2, 30, 0.2, "the raster to keep drawing")
        page.screenshot(path=str(_artifact("voila_lesson_playing.png")))

        page.get_by_role("button", name="Pause", exact=True).click()

        def stopped():
            a = shown_iteration(page)
            time.sleep(1.0)
            return a == shown_iteration(page)
        poll(stopped, 30, 0.2, "the counter to stop after Pause")
        assert not errors, errors
        page.close(run_before_unload=True)   # as a visitor closing the tab
    finally:
        context.close()
    # Voilà shuts a page's kernel down when the page goes: a visitor who left costs nothing.
    poll(lambda: not voila.kernels(), 30, 0.5, "the kernel of the closed page to shut down")


def _artifact(name) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
