"""Areas: regions smaller than a province, made of municipalities (``data/mappings/areas.csv``).

An area's DUO series count the institutions located in its municipalities: from a file's
municipality column (``gemeentenaam``), or from its place column (``plaatsnaam``) through the
CBS place -> municipality lookup (``place_province.csv``). Where a file has neither, the area
has no series from it. The sources do not define these areas' extent (Techniekpact Zwolle):
their status is ``assumed`` and their rows carry the flag ``assumed_region_mapping``.
"""

from __future__ import annotations

import pandas as pd

from tpforecast.data.checks import check_vocabulary
from tpforecast.data.mappings import mapping_path, read_mapping
from tpforecast.data.regions import REGION_STATUSES, load_lookup, normalize_name

__all__ = ["area_of", "load_areas"]


def load_areas() -> pd.DataFrame:
    """``areas.csv``: ``area, municipality, status, source, note`` (one row per municipality).

    Raises
    ------
    TpDataError
        A missing column, an empty cell, a repeated (area, municipality), or an unknown status.
    """
    path = mapping_path("areas.csv")
    table = read_mapping(path, required=["area", "municipality", "status", "source", "note"],
                         key=("area", "municipality"),
                         not_empty=("area", "municipality", "status"))
    check_vocabulary(table["status"], REGION_STATUSES, file=path, lines=table["line"],
                     column="status", what="area status")
    return table.drop(columns="line")


def area_of(counts: pd.DataFrame, region_column: str, region_kind: str,
            areas: pd.DataFrame | None = None) -> pd.Series:
    """The area of every row of a DUO counts frame (NA outside every area, or when the file
    locates rows by neither municipality nor place)."""
    areas = load_areas() if areas is None else areas
    by_key = {normalize_name(m)[0]: a for a, m in zip(areas["area"], areas["municipality"],
                                                    strict=True)}
    if "gemeentenaam" in counts.columns:
        names = counts["gemeentenaam"]
        keys = {n: normalize_name(str(n))[0] for n in pd.unique(names.dropna())}
    elif region_kind == "place":
        names = counts[region_column]
        places = load_lookup("place")
        municipality = dict(zip(places["key"], places["gemeente"], strict=True))
        keys = {n: normalize_name(str(municipality.get(normalize_name(str(n))[0], "")))[0]
                for n in pd.unique(names.dropna())}
    else:
        return pd.Series(pd.NA, index=counts.index, dtype="str")
    return names.map({n: by_key.get(k) for n, k in keys.items()}).astype("str")
