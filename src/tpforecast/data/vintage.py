"""Vintages: the series as they were published by the end of a year.

``tpforecast.load_series(vintage=2016)`` gives what the 2016 plans could know, built at load
time from the bundled data alone (no ``../shared``):

* published figures: the bundled copy ``data/published/techniekpact_figures.csv`` is cleaned
  again with ``clean_figures(..., vintage=2016)``: editions dated after 31 December 2016
  (``data/mappings/editions.csv``) do not exist, the newest edition published by then wins,
  and definition breaks whose ``effective`` date (``data/mappings/breaks.csv``) lies later do
  not apply (in 2016 the mbo series is still the domain-based one; the hbo cluster list was
  not yet revised);
* DUO-derived rows of ``data/processed/series.csv`` exist only if their DUO release (the
  ``edition`` of the row, dated in ``editions.csv``) is dated by then; ``pre_break:<id>`` flags
  of breaks that came later are removed;
* anchored and benchmarked series are computed again from those rows
  (:func:`tpforecast.data.benchmark.benchmark_series`), so they use the monitor values of the
  vintage.

Every frame carries its vintage in the ``vintage`` column. Today's data are the newest vintage
(the year of the newest dated edition or release): ``load_series(vintage=newest)`` equals
``load_series()``. Results are cached per vintage and per state of the bundled files.
"""

from __future__ import annotations

from functools import lru_cache
from numbers import Integral

import pandas as pd

from tpforecast.data.benchmark import benchmark_series, load_benchmarks
from tpforecast.data.build import PUBLISHED_NAME, combine_series
from tpforecast.data.cleaning import clean_figures
from tpforecast.data.loaders import SERIES_DTYPES, load_series
from tpforecast.data.mappings import mapping_path
from tpforecast.data.published import load_figures
from tpforecast.data.tables import breaks_in_force, load_breaks, load_editions, vintage_end
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = ["available_vintages", "load_vintage", "newest_vintage"]

_JOIN = " | "


def available_vintages() -> range:
    """The vintages the bundled data can give: from the year of the first dated edition
    (``editions.csv``) to the year of the newest."""
    years = load_editions()["edition_date"].dt.year
    return range(int(years.min()), int(years.max()) + 1)


def newest_vintage() -> int:
    """The vintage of today's bundled data: the year of the newest edition or DUO release."""
    return available_vintages()[-1]


def load_vintage(vintage: int) -> pd.DataFrame:
    """The bundled series as published by the end of ``vintage``, with a ``vintage`` column
    (``tpforecast.load_series(vintage=...)``).

    Parameters
    ----------
    vintage
        A year in :func:`available_vintages`.

    Raises
    ------
    TpDataError
        If ``vintage`` is not a year the bundled data hold (naming the first and newest edition
        and the range that exists), or a DUO row's edition has no date in ``editions.csv``.
    """
    _check_vintage(vintage)
    return _cached(int(vintage), _state()).copy()


def _check_vintage(vintage: object) -> None:
    if isinstance(vintage, bool) or not isinstance(vintage, Integral):
        raise TpDataError("a vintage is a year", column="vintage", value=vintage,
                          expected="a whole year such as 2016")
    years = available_vintages()
    if vintage not in years:
        editions = load_editions().sort_values(["edition_date", "source_edition"])
        first, last = editions.iloc[0], editions.iloc[-1]
        raise TpDataError(
            f"no vintage {vintage} in the bundled data: they run from the first edition "
            f"{first['source_edition']!r} ({first['edition_date'].date()}) to the newest "
            f"{last['source_edition']!r} ({last['edition_date'].date()})",
            file=mapping_path("editions.csv"), column="vintage", value=vintage,
            expected=f"a year from {years[0]} to {years[-1]} (load_series() is the newest)")


def _state() -> tuple:
    """What the cached vintages depend on: the bundled files and their modification times."""
    root = data_dir()
    files = [root / "processed" / "series.csv", root / "published" / PUBLISHED_NAME,
             *sorted((root / "mappings").glob("*.csv"))]
    return tuple((str(p), p.stat().st_mtime_ns) for p in files if p.exists())


@lru_cache(maxsize=8)
def _cached(vintage: int, state: tuple) -> pd.DataFrame:
    today = load_series()
    published = _published(vintage)
    duo = _duo_rows(today, vintage)
    scaled = benchmark_series(pd.concat([published, duo], ignore_index=True))
    series = combine_series(published, pd.concat([duo, scaled], ignore_index=True))
    series = series.astype(SERIES_DTYPES)  # as read from a file, whatever rows it holds
    return series.assign(vintage=pd.array([vintage] * len(series), dtype="Int64"))


def _published(vintage: int) -> pd.DataFrame:
    """The bundled copy of the published figures, cleaned as of the end of ``vintage``."""
    figures = load_figures(data_dir() / "published" / PUBLISHED_NAME)
    figures["file"] = f"data/published/{PUBLISHED_NAME}"  # as the build names it
    return clean_figures(figures, vintage=vintage).series


def _duo_rows(today: pd.DataFrame, vintage: int) -> pd.DataFrame:
    """DUO-derived rows (not the anchored or benchmarked ones, which are computed again) whose
    release is dated by the end of ``vintage``, without flags of breaks that came later."""
    table = load_benchmarks()
    scaled = set(table["indicator"]) | set(table["anchored_indicator"]) - {""}
    duo = today[(today["origin"] == "duo") & ~today["indicator"].isin(scaled)]
    dates = load_editions().set_index("source_edition")["edition_date"]
    released = {}
    for edition in pd.unique(duo["edition"]):
        missing = [part for part in edition.split(_JOIN) if part not in dates.index]
        if missing:
            raise TpDataError("DUO release without a date", file=mapping_path("editions.csv"),
                              column="source_edition", value=missing[0],
                              expected="a row with the release date of every DUO edition of "
                                       "duo_indicators.csv")
        released[edition] = max(dates[part] for part in edition.split(_JOIN))
    duo = duo[duo["edition"].map(released) <= vintage_end(vintage)]
    later = set(load_breaks()["break_id"]) - set(breaks_in_force(load_breaks(), vintage)[
        "break_id"])
    return duo.assign(flags=[";".join(t for t in flags.split(";")
                                      if t.removeprefix("pre_break:") not in later)
                             for flags in duo["flags"]]).reset_index(drop=True)

