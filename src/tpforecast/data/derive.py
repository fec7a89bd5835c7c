"""Technical-share series derived from the raw DUO files, nationally and per region.

:func:`derive_duo_series` turns the DUO files in ``../shared/data/raw`` into rows of the
canonical series frame (``docs/design.md``). What is derived is the data file
``data/mappings/duo_indicators.csv``: one row per (indicator, level) naming the classification
definition, the measure, the file(s), the column that locates a row (and how it maps to a
province), the DUO edition, the flags and a description.

Regions: ``NL`` (every row), landsdelen (``Oost``; ``data/mappings/regions.csv``) and provinces.
A row's region is where the *institution* is (flag ``institution_location``). National and
regional values come from the same rows computed the same way, so they are comparable.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tpforecast.data.duo import read_duo
from tpforecast.data.loaders import SERIES_COLUMNS, SERIES_DTYPES
from tpforecast.data.mappings import mapping_path, read_mapping
from tpforecast.data.regions import canonical_province, load_regions, province_of
from tpforecast.data.shares import stack_counts, technical_share
from tpforecast.errors import TpDataError

__all__ = ["DEFAULT_REGIONS", "derive_duo_series", "load_duo_indicators"]

DEFAULT_REGIONS = ("NL", "Oost", "Overijssel", "Gelderland")
SOURCE_PREFIX = "shared/data/raw"
NATIONAL = "NL"
_KEY = ["indicator", "level", "region", "sex", "year"]
_INDICATOR_COLUMNS = [
    "indicator",
    "level",
    "definition",
    "measure",
    "files",
    "region_column",
    "region_kind",
    "edition",
    "flags",
    "description",
]


def load_duo_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``data/mappings/duo_indicators.csv`` (what :func:`derive_duo_series` derives).

    Returns
    -------
    pandas.DataFrame
        The columns of the file as stripped text, plus ``line`` (physical line).

    Raises
    ------
    TpDataError
        Missing column, an empty required cell, or a duplicate (indicator, level).
    """
    path = Path(path) if path is not None else mapping_path("duo_indicators.csv")
    return read_mapping(path, required=_INDICATOR_COLUMNS, key=("indicator", "level"),
                        not_empty=("indicator", "level", "files", "region_column",
                                   "region_kind", "edition"))


def derive_duo_series(
    raw_dir: str | Path, regions: Sequence[str] = DEFAULT_REGIONS
) -> pd.DataFrame:
    """Derive the DUO technical-share series for the configured indicators and regions.

    Parameters
    ----------
    raw_dir
        The raw-data folder, ``../shared/data/raw``.
    regions
        ``"NL"``, landsdelen of ``data/mappings/regions.csv`` (``"Oost"``) and province names.

    Returns
    -------
    pandas.DataFrame
        Canonical series rows (``SERIES_COLUMNS``) for every (indicator, level) of
        ``duo_indicators.csv``, region and sex (all/female/male), sorted by
        (indicator, level, region, sex, year); ``origin = "duo"``, ``canonical = False``;
        ``flags`` from the indicator plus ``suppressed_cells`` where a cell was ``<5``.

    Raises
    ------
    TpDataError
        From reading the files, mapping names to provinces, or an unknown region.
    """
    raw_dir = Path(raw_dir)
    members = _region_members(regions)
    cache: dict[tuple[str, str, str], pd.DataFrame] = {}
    parts = []
    for spec in load_duo_indicators().itertuples(index=False):
        key = (spec.files, spec.region_column, spec.region_kind)
        if key not in cache:
            counts = _read_counts(raw_dir, spec.files)
            cache[key] = _expand_regions(counts, spec.region_column, spec.region_kind, members)
        parts.append(_series_for(cache[key], spec))
    series = pd.concat(parts, ignore_index=True)
    return _finish(series)


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


def _region_members(regions: Sequence[str]) -> dict[str, list[str] | None]:
    """Region -> its provinces (None = the whole country)."""
    table = load_regions()
    provinces = set(table["province"])
    members: dict[str, list[str] | None] = {}
    for region in regions:
        if region == NATIONAL:
            members[region] = None
        elif region in provinces:
            members[region] = [region]
        elif region in set(table["landsdeel"]) - {""}:
            members[region] = sorted(table.loc[table["landsdeel"] == region, "province"])
        else:
            raise TpDataError(
                "unknown region",
                file="data/mappings/regions.csv",
                column="region",
                value=region,
                expected=f"'{NATIONAL}', a landsdeel or a province in regions.csv",
            )
    return members


def _expand_regions(
    counts: pd.DataFrame, column: str, kind: str, members: dict[str, list[str] | None]
) -> pd.DataFrame:
    """One copy of the rows per region they lie in, with a ``region`` column."""
    names = counts[column]
    if kind == "province":
        province = canonical_province(names)
    elif kind in ("municipality", "place"):
        unique = pd.Series(pd.unique(names.to_numpy()), name=column)
        lookup = dict(zip(unique, province_of(unique, kind=kind), strict=True))
        province = names.map(lookup)
    else:
        raise TpDataError(
            "unknown region_kind",
            file="data/mappings/duo_indicators.csv",
            column="region_kind",
            value=kind,
            expected="province, municipality or place",
        )
    parts = []
    for region, provinces in members.items():
        rows = counts if provinces is None else counts[province.isin(provinces).to_numpy()]
        parts.append(rows.assign(region=region))
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------------------------
# shares -> series rows
# ----------------------------------------------------------------------------------------------


def _series_for(counts: pd.DataFrame, spec: Any) -> pd.DataFrame:
    """Shares of one (indicator, level) row of duo_indicators.csv as canonical series rows."""
    shares = technical_share(
        counts,
        spec.level,
        by=("region", "sex", "year"),
        definition=spec.definition or None,
        measure=spec.measure or None,
    )
    base_flags = set(filter(None, spec.flags.split(";")))
    flags = [
        ";".join(sorted(base_flags | ({"suppressed_cells"} if hidden else set())))
        for hidden in (shares["n_suppressed"] > 0)
    ]
    return pd.DataFrame(
        {
            "indicator": spec.indicator,
            "level": spec.level,
            "region": shares["region"],
            "sex": shares["sex"],
            "year": shares["year"],
            "share": shares["share"],
            "share_lo": shares["share_lo"],
            "share_hi": shares["share_hi"],
            "n_tech": shares["n_tech"],
            "n_total": shares["n_total"],
            "source": " | ".join(map(str, pd.unique(counts["source"]))),
            "edition": spec.edition,
            "origin": "duo",
            "canonical": False,
            "flags": flags,
        }
    )


def _finish(series: pd.DataFrame) -> pd.DataFrame:
    series = series[SERIES_COLUMNS].astype(SERIES_DTYPES)
    series = series.sort_values(_KEY, kind="stable").reset_index(drop=True)
    if series.duplicated(_KEY).any():
        raise TpDataError(
            "duplicate series key in the derived DUO series",
            column="indicator",
            value=series.loc[series.duplicated(_KEY), _KEY].iloc[0].tolist(),
            expected="one row per (indicator, level, region, sex, year)",
        )
    return series
