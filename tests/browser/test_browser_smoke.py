"""The harness itself, proven on a plain ipywidgets notebook (no project widgets needed)."""
import pytest
from browser_harness import poll

pytestmark = pytest.mark.browser


def test_intslider_arrow_right_reaches_kernel(lab, tmp_notebook):
    path = tmp_notebook([
        "import ipywidgets as w\n"
        "s = w.IntSlider(value=5, min=0, max=10, description='smoke')\n"
        "s",
        "print('value', s.value)",
    ])
    nb = lab.open(path)
    nb.run_all()
    assert nb.error_outputs() == []
    # the printed value and the rendered slider
    assert any("value 5" in (o.get("text") and "".join(o["text"]) or "") for o in nb.outputs())
    slider = lab.page.locator(".widget-slider", has=lab.page.locator("label", has_text="smoke"))
    slider.wait_for(state="visible")
    box = slider.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 5
    views = nb.assert_widgets_rendered()
    assert len(views) == 1 == nb.widget_view_count_in_model()

    handle = slider.locator(".noUi-handle")
    handle.focus()
    lab.page.keyboard.press("ArrowRight")
    # the value label in the page and the kernel both see 6
    poll(lambda: slider.locator(".widget-readout").inner_text().strip() == "6", 10, message="readout 6")
    poll(lambda: nb.value("s.value") == 6, 15, 0.2, "kernel to see s.value == 6")
    text, secs = nb.run_cell("print('now', s.value)", typed=True)
    assert text.strip() == "now 6"
    assert secs < 10
