"""Technical-share series derived from the raw DUO files, nationally and per region.

:func:`derive_duo_series` turns the DUO files in ``../shared/data/raw`` into rows of the
canonical series frame (``docs/design.md``). What is derived is the data file
``data/mappings/duo_indicators.csv``: one row per (indicator, level, file) naming the
classification definition, the measure, the file(s), the school years taken from that file
(two files of one indicator cover different years: their *shares* are linked, never their
counts, and ``breaks.csv`` flags the join), the column that locates a row (and how it maps to
a province), the DUO edition, the flags and a description.

Regions: every province, the landsdelen of ``data/mappings/regions.csv`` and ``NL``, all summed
from the same province sums, so national and regional values are computed the same way (and a
landsdeel is exactly the sum of its provinces); and the areas of ``data/mappings/areas.csv``
(Zwolle), summed from the rows located in their municipalities (``tpforecast.data.areas``;
their extent is assumed: flag ``assumed_region_mapping``). A row's region is where the *institution* is
(flag ``institution_location``); a landsdeel whose provinces are ``assumed`` in
``regions.csv`` carries the flag ``assumed_region_mapping``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.data.areas import area_of, load_areas
from tpforecast.data.duo import read_duo
from tpforecast.data.loaders import SERIES_COLUMNS, SERIES_DTYPES
from tpforecast.data.mappings import mapping_path, read_mapping
from tpforecast.data.regions import (
    canonical_province,
    load_regions,
    province_of,
    region_provinces,
    vo_location_provinces,
)
from tpforecast.data.shares import shares_from_sums, stack_counts, technical_sums
from tpforecast.data.tables import load_breaks, load_editions
from tpforecast.errors import TpDataError

__all__ = ["DEFAULT_REGIONS", "all_regions", "derive_duo_series", "load_duo_indicators"]

NATIONAL = "NL"
SOURCE_PREFIX = "shared/data/raw"
_KEY = ["indicator", "level", "region", "sex", "year"]
_SUMS = ["n_tech", "n_total", "n_suppressed", "lo_tech", "hi_tech", "lo_other", "hi_other"]
_INDICATOR_COLUMNS = ["indicator", "level", "definition", "measure", "files", "years",
                      "region_column", "region_kind", "edition", "flags", "description"]
_REGION_KINDS = ("province", "municipality", "place", "vo_location")


def all_regions() -> tuple[str, ...]:
    """``NL``, the landsdelen and the twelve provinces of ``data/mappings/regions.csv``, and the
    areas of ``data/mappings/areas.csv``."""
    table = load_regions()
    return (NATIONAL, *dict.fromkeys(table["landsdeel"]), *table["province"],
            *dict.fromkeys(load_areas()["area"]))


DEFAULT_REGIONS = ("NL", "Oost", "Overijssel", "Gelderland")  # kept for callers; see all_regions


def load_duo_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``data/mappings/duo_indicators.csv`` (what :func:`derive_duo_series` derives).

    Returns
    -------
    pandas.DataFrame
        The columns of the file as stripped text, plus ``line`` (physical line).

    Raises
    ------
    TpDataError
        Missing column, an empty required cell, a repeated (indicator, level, files), an
        unknown region kind, a malformed ``years`` range, or an edition without a release date
        in ``editions.csv`` (vintages need it: a DUO row exists from its release on).
    """
    path = Path(path) if path is not None else mapping_path("duo_indicators.csv")
    table = read_mapping(path, required=_INDICATOR_COLUMNS, key=("indicator", "level", "files"),
                         not_empty=("indicator", "level", "files", "region_column",
                                    "region_kind", "edition"))
    for row in table.itertuples(index=False):
        if row.region_kind not in _REGION_KINDS:
            raise TpDataError("unknown region_kind", file=path, line=int(row.line),
                              column="region_kind", value=row.region_kind,
                              expected=f"one of {', '.join(_REGION_KINDS)}")
        _year_range(row.years, path, int(row.line))
    dated = set(load_editions()["source_edition"])
    undated = table[~table["edition"].isin(dated)]
    if not undated.empty:
        raise TpDataError("DUO release without a date", file=path,
                          line=int(undated["line"].iloc[0]), column="edition",
                          value=undated["edition"].iloc[0],
                          expected="an edition with its release date in "
                                   "data/mappings/editions.csv")
    return table


def derive_duo_series(
    raw_dir: str | Path, regions: Sequence[str] | None = None, *,
    indicators: str | Path | None = None,
) -> pd.DataFrame:
    """Derive the DUO technical-share series for the configured indicators and regions.

    Parameters
    ----------
    raw_dir
        The raw-data folder, ``../shared/data/raw``.
    regions
        ``"NL"``, landsdelen and provinces of ``data/mappings/regions.csv``; default every
        one (:func:`all_regions`).
    indicators
        Another ``duo_indicators.csv`` (tests); default the bundled one.

    Returns
    -------
    pandas.DataFrame
        Canonical series rows (``SERIES_COLUMNS``) for every (indicator, level) of
        ``duo_indicators.csv``, region and sex (all/female/male), sorted by
        (indicator, level, region, sex, year); ``origin = "duo"``, ``canonical = False``;
        ``flags`` from the indicator plus ``suppressed_cells`` where a cell was ``<5``,
        ``assumed_region_mapping`` for a landsdeel of assumed provinces and
        ``pre_break:<id>`` from ``breaks.csv``. Groups without any pupil or student of the
        level (a total of 0 and no suppressed cell) have no share and are not rows.

    Raises
    ------
    TpDataError
        From reading the files, mapping names to provinces, or an unknown region.
    """
    raw_dir = Path(raw_dir)
    areas = load_areas()
    wanted = list(regions if regions is not None else all_regions())
    areas = areas[areas["area"].isin(wanted)]
    members = region_provinces([r for r in wanted if r not in set(areas["area"])])
    cache: dict[tuple[str, str, str], pd.DataFrame] = {}
    parts = []
    for spec in load_duo_indicators(indicators).itertuples(index=False):
        key = (spec.files, spec.region_column, spec.region_kind)
        if key not in cache:
            counts = _read_counts(raw_dir, spec.files)
            counts["province"] = _provinces(counts, spec.region_column, spec.region_kind,
                                            raw_dir)
            counts["area"] = area_of(counts, spec.region_column, spec.region_kind, areas)
            cache[key] = counts
        parts.append(_series_for(cache[key], spec, members))
    series = pd.concat(parts, ignore_index=True)
    return _finish(_flag_breaks(series))


# ----------------------------------------------------------------------------------------------
# reading and locating counts
# ----------------------------------------------------------------------------------------------


def _read_counts(raw_dir: Path, files: str) -> pd.DataFrame:
    """Read one file, or stack ``key=path;key=path`` files (hbo + wo -> ho)."""
    entries = [entry.strip() for entry in files.split(";") if entry.strip()]
    if len(entries) == 1 and "=" not in entries[0]:
        return _read_one(raw_dir, entries[0])
    frames = {}
    for entry in entries:
        label, _, relative = entry.partition("=")
        frames[label] = _read_one(raw_dir, relative)
    return stack_counts(frames)


def _read_one(raw_dir: Path, relative: str) -> pd.DataFrame:
    """A raw file's counts, ``source`` relative to shared/ (the build is machine-independent)."""
    counts = read_duo(raw_dir / relative)
    counts["source"] = pd.array([f"{SOURCE_PREFIX}/{relative}"] * len(counts), dtype="str")
    return counts


def _provinces(counts: pd.DataFrame, column: str, kind: str, raw_dir: Path) -> np.ndarray:
    """The province of every row: from a province column, a municipality or place name, or a
    vo school location code (address list first, the municipality name for locations the
    address list lacks)."""
    names = counts[column]
    if kind == "province":
        return canonical_province(names).to_numpy(dtype=object)
    if kind == "vo_location":
        located = names.map(vo_location_provinces(raw_dir))
        missing = located.isna().to_numpy()
        if missing.any():
            located[missing] = _by_name(counts.loc[missing, "gemeentenaam"], "municipality")
        return located.to_numpy(dtype=object)
    return _by_name(names, kind)


def _by_name(names: pd.Series, kind: str) -> np.ndarray:
    unique = pd.Series(pd.unique(names.to_numpy()), name=names.name)
    lookup = dict(zip(unique, province_of(unique, kind=kind), strict=True))
    return names.map(lookup).to_numpy(dtype=object)


def _year_range(years: str, path: object, line: int) -> tuple[int, int] | None:
    if not years:
        return None
    start, _, end = years.partition("-")
    if not (start.isdigit() and (end or start).isdigit() and int(start) <= int(end or start)):
        raise TpDataError("malformed years", file=path, line=line, column="years", value=years,
                          expected="empty (every year of the file) or a range such as 2015-2019")
    return int(start), int(end or start)


# ----------------------------------------------------------------------------------------------
# shares -> series rows
# ----------------------------------------------------------------------------------------------


def _series_for(counts: pd.DataFrame, spec: Any, members: pd.DataFrame) -> pd.DataFrame:
    """Shares of one row of duo_indicators.csv as canonical series rows, every region."""
    span = _year_range(spec.years, "data/mappings/duo_indicators.csv", 0)
    if span is not None:
        counts = counts[counts["year"].between(*span).to_numpy()]
    sums = technical_sums(counts, spec.level, by=("province", "sex", "year"),
                          definition=spec.definition or None, measure=spec.measure or None)
    regional = sums.merge(members, on="province", how="inner")
    located = counts[counts["area"].notna().to_numpy()]
    if len(located):  # areas: institutions in their municipalities (extent assumed)
        area_sums = _area_sums(located, spec)
        regional = pd.concat([regional, area_sums], ignore_index=True)
    grouped = regional.groupby(["region", "sex", "year"], sort=True)
    totals = grouped[_SUMS].sum().reset_index()
    assumed = grouped["assumed"].any().to_numpy()
    keep = ((totals["n_total"] > 0) | (totals["n_suppressed"] > 0)).to_numpy()
    shares = shares_from_sums(totals[keep], ["region", "sex", "year"])
    base = set(filter(None, spec.flags.split(";")))
    flags = [";".join(sorted(base | ({"suppressed_cells"} if hidden else set())
                             | ({"assumed_region_mapping"} if guess else set())))
             for hidden, guess in zip(shares["n_suppressed"] > 0, assumed[keep], strict=True)]
    return pd.DataFrame({
        "indicator": spec.indicator, "level": spec.level, "region": shares["region"],
        "sex": shares["sex"], "year": shares["year"], "share": shares["share"],
        "share_lo": shares["share_lo"], "share_hi": shares["share_hi"],
        "n_tech": shares["n_tech"], "n_total": shares["n_total"],
        "source": " | ".join(map(str, pd.unique(counts["source"]))), "edition": spec.edition,
        "origin": "duo", "canonical": False, "flags": flags,
    })


def _area_sums(located: pd.DataFrame, spec: Any) -> pd.DataFrame:
    """Sums per area of the rows located in one (an area is never a union of provinces)."""
    try:
        sums = technical_sums(located, spec.level, by=("area", "sex", "year"),
                              definition=spec.definition or None, measure=spec.measure or None)
    except TpDataError:  # the area has no institution of this level in the file
        return pd.DataFrame(columns=["region", "sex", "year", *_SUMS, "assumed"])
    return sums.rename(columns={"area": "region"}).assign(assumed=True)


def _flag_breaks(series: pd.DataFrame) -> pd.DataFrame:
    """``pre_break:<id>`` on values before a ``flag`` break of ``breaks.csv`` (file joins,
    the vmbo reform), as the cleaning does for the published figures."""
    rules = load_breaks()
    rules = rules[(rules["action"] == "flag") & rules["first_year"].notna()
                  & rules["edition_before"].isna()]
    flags = series["flags"].to_numpy(dtype=object).copy()
    for rule in rules.itertuples(index=False):
        hit = (series["indicator"].eq(rule.indicator) & series["year"].lt(rule.first_year)
               & (series["level"].eq(rule.level) if rule.level else True)
               & (series["region"].eq(rule.region) if rule.region else True)).to_numpy()
        for i in np.flatnonzero(hit):
            tokens = set(filter(None, flags[i].split(";"))) | {f"pre_break:{rule.break_id}"}
            flags[i] = ";".join(sorted(tokens))
    return series.assign(flags=flags)


def _finish(series: pd.DataFrame) -> pd.DataFrame:
    series = series[SERIES_COLUMNS].astype(SERIES_DTYPES)
    series = series.sort_values(_KEY, kind="stable").reset_index(drop=True)
    if series.duplicated(_KEY).any():
        raise TpDataError(
            "duplicate series key in the derived DUO series (two files of one indicator "
            "cover the same year: set their years in duo_indicators.csv)",
            file="data/mappings/duo_indicators.csv", column="years",
            value=series.loc[series.duplicated(_KEY), _KEY].iloc[0].tolist(),
            expected="one row per (indicator, level, region, sex, year)",
        )
    return series
