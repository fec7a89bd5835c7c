"""Every table of a report in one Excel workbook (stage 6; ``tpforecast report --xlsx``).

The sheets hold the library's tidy frames as they are (fractions, start years, status and
reason columns), one sheet per table, with a first sheet that says what each sheet is. The
file is reproducible: fixed document dates, so the same tables give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from tpforecast.report.output import check_output_file

__all__ = ["write_workbook"]

#: The document date written into every workbook (the file holds no build time).
FIXED_DATE = dt.datetime(2020, 1, 1)
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _cell(value: object) -> object:
    """A value Excel can hold: missing values stay empty, lists become text."""
    if isinstance(value, list | tuple | dict):
        return str(value)
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return str(value)


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path, *,
                   notes: Mapping[str, str] | None = None) -> Path:
    """Write each table to its own sheet of an Excel workbook (openpyxl).

    Parameters
    ----------
    tables
        Sheet name (at most 31 characters) to tidy frame, in sheet order.
    path
        The ``.xlsx`` file to write (its folder is created).
    notes
        Sheet name to a one-line description, shown on the first sheet (``about``).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from openpyxl import Workbook

    path = check_output_file(path)
    notes = dict(notes or {})
    wb = Workbook()
    about = wb.active
    about.title = "about"
    about.append(["sheet", "rows", "what"])
    for name, frame in tables.items():
        about.append([name, len(frame), notes.get(name, "")])
        sheet = wb.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    wb.properties.created = wb.properties.modified = FIXED_DATE
    wb.properties.creator = "tpforecast"
    wb.save(path)
    _fix_zip_dates(path)
    return path


def _fix_zip_dates(path: Path) -> None:
    """Rewrite the zip with fixed member dates and a fixed modification date in
    ``docProps/core.xml`` (openpyxl stamps the time of writing in both)."""
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2",
                             data) if info.filename == "docProps/core.xml" else data)
               for info, data in members]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
