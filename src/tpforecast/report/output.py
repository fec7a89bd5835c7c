"""Where results are written (stage 6): output folders and files, checked before any work.

A path under an existing file, a folder where a file should go, or a folder that cannot be
created is a :class:`~tpforecast.errors.TpDataError` naming the path in the way, never an
``OSError`` traceback after minutes of computing.
"""

from __future__ import annotations

from pathlib import Path

from tpforecast.errors import TpDataError

__all__ = ["check_output_file", "ensure_folder", "write_text"]


def _blocking_file(folder: Path) -> Path | None:
    """The first existing file among ``folder`` and its parents, if any."""
    for part in (folder, *folder.parents):
        if part.exists():
            return part if not part.is_dir() else None
    return None


def ensure_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents) unless it exists.

    Raises
    ------
    TpDataError
        When a file is in the way (``--out results.csv/x``) or the folder cannot be created.
    """
    folder = Path(folder)
    blocking = _blocking_file(folder)
    if blocking is not None:
        raise TpDataError("cannot create the output folder: a file is in the way", file=blocking,
                          value=str(folder), expected="a path whose parts are folders (or do "
                          "not exist yet)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TpDataError(f"cannot create the output folder ({exc.strerror})", file=folder,
                          expected="a folder you may write to") from exc
    return folder


def check_output_file(path: str | Path) -> Path:
    """Make sure ``path`` can be a result file (its folder created), before any work.

    Raises
    ------
    TpDataError
        When the path is a folder or lies under a file.
    """
    path = Path(path)
    if path.is_dir():
        raise TpDataError("cannot write the output: the path is a folder", file=path,
                          expected="a file name such as results.csv")
    ensure_folder(path.parent)
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to the file ``path``, creating its folder.

    Raises
    ------
    TpDataError
        When the path is a folder, lies under a file, or cannot be written.
    """
    path = check_output_file(path)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise TpDataError(f"cannot write the output ({exc.strerror})", file=path,
                          expected="a file you may write to") from exc
    return path
