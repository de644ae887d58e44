"""The shipped Voilà settings for a class (classroom/voila.json): every key is a real setting that Voilà
applies (traitlets ignores a misspelt one silently), and the values are the ones a crowded start needs."""
import json
from pathlib import Path

import pytest

voila_app = pytest.importorskip("voila.app", reason="voila is in the lab extra")

SETTINGS = Path(__file__).resolve().parents[2] / "classroom" / "voila.json"


def load():
    from traitlets.config import Config

    return Config(json.loads(SETTINGS.read_text()))


def configurables():
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from voila.configuration import VoilaConfiguration
    from voila.execute import VoilaExecutor

    return {c.__name__: c for c in (voila_app.Voila, VoilaConfiguration, VoilaExecutor, MappingKernelManager)}


def test_every_setting_is_a_configurable_trait():
    classes = configurables()
    for section, values in json.loads(SETTINGS.read_text()).items():
        assert section in classes, f"voila.json: {section!r} is not one of {sorted(classes)}"
        traits = classes[section].class_traits(config=True)
        for name in values:
            assert name in traits, f"voila.json: {section}.{name} is not a setting of {section}"


def test_voila_applies_the_settings():
    import nbformat
    from voila.execute import VoilaExecutor

    config = load()
    executor = VoilaExecutor(nbformat.v4.new_notebook(), config=config)
    default = VoilaExecutor(nbformat.v4.new_notebook())
    assert executor.iopub_timeout >= 60 > default.iopub_timeout   # the 4 s default lost 12 of 20 pages
    assert executor.startup_timeout >= 120 and executor.timeout >= 300
    assert executor.raise_on_iopub_timeout is False

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    manager = AsyncMappingKernelManager(config=config)
    assert 0 < manager.cull_idle_timeout <= 3600 and manager.cull_connected and not manager.cull_busy
    # without it Voilà refuses its own "tab closed" beacon and every closed tab keeps its kernel
    assert config.Voila.tornado_settings["disable_check_xsrf"] is True
