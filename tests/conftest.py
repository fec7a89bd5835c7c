"""Shared fixtures. Tests that need ../shared are marked ``shared`` and skip without it,
except in CI (``CI`` set), where a missing ../shared is a failure, not a skip.

Synthetic frames come from one factory (``tests/synthetic.py``)."""

from __future__ import annotations

import os

import matplotlib
import pytest

matplotlib.use("Agg")

from tpforecast.paths import shared_dir


@pytest.fixture(scope="session")
def shared():
    """Path of ../shared (source files); skips the test when absent outside CI."""
    path = shared_dir()
    if not (path / "data" / "raw").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared is missing in CI (looked in {path})")
        pytest.skip(f"../shared not found at {path}")
    return path


@pytest.fixture(scope="session")
def raw_dir(shared):
    return shared / "data" / "raw"


@pytest.fixture(scope="session")
def bundled_series():
    """The bundled series (read once per session)."""
    import tpforecast as tp

    return tp.load_series()


@pytest.fixture(scope="session")
def bundled_targets():
    """The bundled targets (read once per session)."""
    import tpforecast as tp

    return tp.load_targets()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
