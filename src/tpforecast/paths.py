"""Where the bundled data and the optional ``../shared`` sources live."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "repo_root", "shared_dir"]

_PKG = Path(__file__).resolve().parent


def repo_root() -> Path | None:
    """The project checkout this package runs from (editable install), or None for a wheel."""
    root = _PKG.parents[1]
    return root if (root / "pyproject.toml").exists() and (root / "data").is_dir() else None


def data_dir() -> Path:
    """Directory with the bundled data (``data/`` of the checkout, or the copy inside a wheel)."""
    env = os.environ.get("TPFORECAST_DATA")
    if env:
        return Path(env)
    root = repo_root()
    if root is not None:
        return root / "data"
    return _PKG / "_bundled_data"


def shared_dir() -> Path:
    """The ``../shared`` folder beside the checkout (source files; not needed at run time).

    ``TPFORECAST_SHARED`` overrides the location.
    """
    env = os.environ.get("TPFORECAST_SHARED")
    if env:
        return Path(env)
    root = repo_root() or Path.cwd()
    return root.parent / "shared"
