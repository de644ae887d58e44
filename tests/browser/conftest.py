"""Fixtures and hooks of the real-browser layer; the machinery lives in browser_harness.py."""
from browser_harness import (  # noqa: F401 - pytest finds fixtures and hooks by name here
    browser,
    jupyter_server,
    lab,
    pytest_collection_modifyitems,
    tmp_notebook,
)
