"""Municipality / place name -> province lookups, and province -> landsdeel.

The lookup tables are derived from the CBS reference files in
``../shared/data/raw/reference`` (see ``MANIFEST.md`` there, section 5) by
:func:`build_region_lookups` and committed as ``data/mappings/municipality_province.csv`` and
``data/mappings/place_province.csv``, so :func:`province_of` works without ``../shared``.

Name matching follows the MANIFEST's recipe:

1. Normalise both sides (:func:`normalize_name`): strip accents (NFKD), upper-case, drop
   DUO's `` C.A.`` (cum annexis) and apostrophes (the older vo file writes ``S GRAVENHAGE``), turn parentheses into a trailing token (``Bergen (NH.)`` ->
   ``BERGEN NH``), replace ``-`` and ``.`` by a space, collapse spaces, then split a trailing
   province token (``OV``, ``GLD``, ``NH``, ..., see ``data/mappings/province_hints.csv``) off as a
   *province hint*.
2. Match the full normalised name (key and hint) exactly; failing that, match the key alone
   (qualifier-stripped) and, when several provinces remain, keep the one the hint names.
3. ``kind="municipality"`` (vo ``GEMEENTENAAM``) matches the municipalities valid at some time
   since 2015-01-01 and falls back to the place table; ``kind="place"`` (mbo ``PLAATSNAAM``)
   matches BAG woonplaatsen (2024 indeling).

Landsdeel membership is the data file ``data/mappings/regions.csv`` (with a ``status``:
``confirmed`` by a source, or ``assumed``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from tpforecast.data.checks import check_vocabulary, did_you_mean, require_columns
from tpforecast.data.inputs import read_delimited, read_text
from tpforecast.data.mappings import mapping_path, read_mapping
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = [
    "build_region_lookups",
    "canonical_province",
    "landsdeel_provinces",
    "load_lookup",
    "load_regions",
    "normalize_name",
    "province_hints",
    "province_of",
    "region_provinces",
    "write_region_lookups",
]

MUNICIPALITY_FILE = "nlextract_cbs_gemeentelijke_indeling.csv"
PLACE_FILE = "cbs_woonplaatsen_gemeente_corop_2024.csv"
LOOKUP_FILES = {"municipality": "municipality_province.csv", "place": "place_province.csv"}
MUNICIPALITIES_SINCE = "2015-01-01"
# COROP areas nest in provinces (MANIFEST): a cross-check of the gemeentecode join.
_COROP_PROVINCE = {
    **dict.fromkeys(range(1, 4), "Groningen"),
    **dict.fromkeys(range(4, 7), "Friesland"),
    **dict.fromkeys(range(7, 10), "Drenthe"),
    **dict.fromkeys(range(10, 13), "Overijssel"),
    **dict.fromkeys(range(13, 17), "Gelderland"),
    17: "Utrecht",
    **dict.fromkeys(range(18, 25), "Noord-Holland"),
    **dict.fromkeys(range(25, 31), "Zuid-Holland"),
    **dict.fromkeys(range(31, 33), "Zeeland"),
    **dict.fromkeys(range(33, 37), "Noord-Brabant"),
    **dict.fromkeys(range(37, 40), "Limburg"),
    40: "Flevoland",
}


# ----------------------------------------------------------------------------------------------
# normalisation
# ----------------------------------------------------------------------------------------------


def province_hints() -> dict[str, str]:
    """Trailing name token -> province (``OV`` -> Overijssel), from ``province_hints.csv``."""
    table = _read_mapping("province_hints.csv", ["token", "province"])
    return dict(zip(table["token"], table["province"], strict=True))


def normalize_name(name: str, hints: Iterable[str] | None = None) -> tuple[str, str]:
    """Normalise a municipality or place name into ``(key, province hint)``.

    Parameters
    ----------
    name
        A name as DUO or CBS writes it, e.g. ``"HENGELO OV"``, ``"Bergen (NH.)"``,
        ``"NUENEN C.A."``, ``"Súdwest-Fryslân"``.
    hints
        Province hint tokens; default: those of ``data/mappings/province_hints.csv``.

    Returns
    -------
    tuple of str
        ``(key, hint)``, e.g. ``("HENGELO", "OV")``; ``hint`` is ``""`` when there is none.
    """
    tokens = set(province_hints()) if hints is None else set(hints)
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"\s+C\.?\s*A\.?\s*$", "", text.strip())  # DUO's "NUENEN C.A."
    text = re.sub(r"[()]", " ", text).replace("'", "")  # 'S-GRAVENHAGE = S GRAVENHAGE
    text = " ".join(re.sub(r"[-.]", " ", text).split())
    head, _, last = text.rpartition(" ")
    if head and last in tokens:
        return head, last
    return text, ""


# ----------------------------------------------------------------------------------------------
# building the lookups from the CBS reference files
# ----------------------------------------------------------------------------------------------


def build_region_lookups(raw_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Derive the municipality and place -> province lookup tables from the CBS reference files.

    Parameters
    ----------
    raw_dir
        The raw-data folder (``../shared/data/raw``) holding ``reference/``.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"municipality"``: one row per municipality valid at some time since 2015-01-01 with
        ``key, hint, gemeentenaam, gemeentecode, province, begindatum, einddatum``;
        ``"place"``: one row per BAG woonplaats (2024 indeling) with ``key, hint, woonplaats,
        woonplaatscode, gemeentecode, gemeente, province``. Both sorted deterministically.

    Raises
    ------
    TpDataError
        When a woonplaats's municipality code is not a current municipality, or its province
        contradicts its COROP area.
    """
    reference = Path(raw_dir) / "reference"
    hints = province_hints()
    indeling = _read_indeling(reference / MUNICIPALITY_FILE)
    municipalities = _municipality_table(indeling, hints)
    places = _place_table(reference / PLACE_FILE, indeling, hints)
    return {"municipality": municipalities, "place": places}


def write_region_lookups(raw_dir: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Build the lookups and write them as CSV (UTF-8, ``,``, LF) into ``out_dir``.

    Parameters
    ----------
    raw_dir
        The raw-data folder (``../shared/data/raw``).
    out_dir
        Target folder; default ``data/mappings`` of the package data.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir) if out_dir is not None else data_dir() / "mappings"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, table in build_region_lookups(raw_dir).items():
        target = out / LOOKUP_FILES[kind]
        table.to_csv(target, index=False, lineterminator="\n")
        written.append(target)
    return written


def _read_source(path: Path, separator: str) -> pd.DataFrame:
    """A CBS reference file, read and checked like every other input."""
    parsed = read_delimited(read_text(path, what="a CBS reference CSV", allow_latin1=True),
                            separator=separator, expected_header="gemeentecode;...")
    return pd.DataFrame(parsed.records, columns=parsed.header, dtype=str)


def _read_indeling(path: Path) -> pd.DataFrame:
    table = _read_source(path, ";")
    _require_columns(
        table, ["provincienaam", "gemeentecode", "gemeentenaam", "begindatum", "einddatum"], path
    )
    return table


def _municipality_table(indeling: pd.DataFrame, hints: dict[str, str]) -> pd.DataFrame:
    recent = indeling[
        (indeling["einddatum"] == "") | (indeling["einddatum"] > MUNICIPALITIES_SINCE)
    ]
    table = pd.DataFrame(
        {
            "gemeentenaam": recent["gemeentenaam"],
            "gemeentecode": recent["gemeentecode"],
            "province": recent["provincienaam"],
            "begindatum": recent["begindatum"],
            "einddatum": recent["einddatum"],
        }
    )
    return _with_keys(table, "gemeentenaam", hints, ["gemeentecode", "begindatum"])


def _place_table(path: Path, indeling: pd.DataFrame, hints: dict[str, str]) -> pd.DataFrame:
    places = _read_source(path, ",")
    _require_columns(
        places,
        ["Woonplaatscode", "Woonplaats", "Gemeentecode", "Gemeente", "COROP-gebiedcode"],
        path,
    )
    current = indeling[indeling["einddatum"] == ""].set_index("gemeentecode")["provincienaam"]
    province = places["Gemeentecode"].map(current)
    for line, (code, corop, prov) in enumerate(
        zip(places["Gemeentecode"], places["COROP-gebiedcode"], province, strict=True), start=2
    ):
        if pd.isna(prov) or _COROP_PROVINCE.get(int(corop)) != prov:
            raise TpDataError(
                "woonplaats does not join to a current municipality in its COROP province",
                file=path,
                line=line,
                column="Gemeentecode",
                value=code,
                expected=f"a current gemeentecode in {_COROP_PROVINCE.get(int(corop))}",
            )
    table = pd.DataFrame(
        {
            "woonplaats": places["Woonplaats"],
            "woonplaatscode": places["Woonplaatscode"],
            "gemeentecode": places["Gemeentecode"],
            "gemeente": places["Gemeente"],
            "province": province,
        }
    )
    return _with_keys(table, "woonplaats", hints, ["woonplaatscode"])


def _with_keys(
    table: pd.DataFrame, name_column: str, hints: dict[str, str], order: list[str]
) -> pd.DataFrame:
    keys = [normalize_name(name, hints) for name in table[name_column]]
    table = table.assign(key=[k for k, _ in keys], hint=[h for _, h in keys])
    columns = ["key", "hint", *[c for c in table.columns if c not in ("key", "hint")]]
    table = table[columns].sort_values(["key", "hint", *order], kind="stable")
    return table.reset_index(drop=True).astype(str)


# ----------------------------------------------------------------------------------------------
# lookups at run time (committed CSVs)
# ----------------------------------------------------------------------------------------------


def load_lookup(kind: str) -> pd.DataFrame:
    """The committed lookup table ``data/mappings/{municipality,place}_province.csv``."""
    if kind not in LOOKUP_FILES:
        raise TpDataError(
            "unknown lookup kind",
            column="kind",
            value=kind,
            expected=f"one of {sorted(LOOKUP_FILES)}",
        )
    return _read_mapping(LOOKUP_FILES[kind], ["key", "hint", "province"])


def province_of(names: Iterable[str] | pd.Series, kind: str = "municipality") -> pd.Series:
    """Province of each municipality or place name.

    Parameters
    ----------
    names
        Names as DUO writes them (``HOF VAN TWENTE``, ``BERGEN (NH.)``, ``HENGELO OV``, ...).
    kind
        ``"municipality"`` (match municipalities since 2015, then places) or ``"place"``
        (BAG woonplaatsen).

    Returns
    -------
    pandas.Series
        Province names (CBS spelling, e.g. ``Friesland``), aligned with ``names`` (same index
        when ``names`` is a Series).

    Raises
    ------
    TpDataError
        Listing every name that matches no province or is ambiguous (nothing is left
        unmapped silently).
    """
    series = names if isinstance(names, pd.Series) else pd.Series(list(names), dtype=object)
    tables = [load_lookup("municipality"), load_lookup("place")]
    if kind == "place":
        tables = tables[1:]
    elif kind != "municipality":
        raise TpDataError(
            "unknown name kind", column="kind", value=kind, expected="'municipality' or 'place'"
        )
    hints = province_hints()
    resolved: dict[str, str] = {}
    unmatched: list[str] = []
    for name in pd.unique(series.astype(object).to_numpy()):
        province = None if pd.isna(name) else _match(str(name), tables, hints)
        if province is None:
            unmatched.append(str(name))
        else:
            resolved[name] = province
    if unmatched:
        raise TpDataError(
            f"{len(unmatched)} {kind} name(s) match no province (or several)",
            file=f"data/mappings/{LOOKUP_FILES[kind]}",
            column=str(series.name) if series.name is not None else kind,
            value=sorted(unmatched),
            expected=f"names of Dutch {kind}s as in the CBS reference tables",
        )
    return series.astype(object).map(resolved).astype(str).rename("province")


def _match(name: str, tables: list[pd.DataFrame], hints: dict[str, str]) -> str | None:
    key, hint = normalize_name(name, hints)
    for table in tables:
        same_key = table[table["key"] == key]
        exact = set(same_key.loc[same_key["hint"] == hint, "province"])
        if len(exact) == 1:
            return exact.pop()
        candidates = set(same_key["province"])
        if hint:
            candidates &= {hints[hint]}
        if len(candidates) == 1:
            return candidates.pop()
    return None


REGION_STATUSES = ("confirmed", "assumed")
NATIONAL = "NL"


def load_regions() -> pd.DataFrame:
    """``data/mappings/regions.csv``: ``province, landsdeel, status, source, aliases, note``.

    ``status`` says whether the province's landsdeel is ``confirmed`` by a source (named in
    ``source``) or ``assumed`` (a provisional split; series built on it carry the flag
    ``assumed_region_mapping``); ``aliases`` are ``;``-separated other spellings (``Fryslân``).

    Raises
    ------
    TpDataError
        A missing column, a repeated province, an empty landsdeel, an unknown status or a
        confirmed row without a source.
    """
    path = mapping_path("regions.csv")
    table = read_mapping(path, required=["province", "landsdeel", "status", "source",
                                         "aliases", "note"], key=("province",),
                         not_empty=("province", "landsdeel", "status"))
    check_vocabulary(table["status"], REGION_STATUSES, file=path, lines=table["line"],
                     column="status", what="landsdeel status")
    unsourced = table[(table["status"] == "confirmed") & (table["source"] == "")]
    if not unsourced.empty:
        raise TpDataError("a confirmed landsdeel needs its source", file=path,
                          line=int(unsourced["line"].iloc[0]), column="source",
                          value=unsourced["province"].iloc[0],
                          expected="the document that defines the landsdeel, or status assumed")
    return table.drop(columns="line")


def region_provinces(regions: Iterable[str]) -> pd.DataFrame:
    """Which provinces make up each region: ``region, province, assumed``.

    Parameters
    ----------
    regions
        ``"NL"`` (every province), landsdelen and provinces of ``regions.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per (region, province) in the order asked; ``assumed`` is True where the
        region is a landsdeel whose membership is ``assumed`` in ``regions.csv``.

    Raises
    ------
    TpDataError
        For a name that is neither ``NL``, a landsdeel nor a province.
    """
    table = load_regions()
    provinces = list(table["province"])
    rows = []
    for region in regions:
        if region == NATIONAL:
            rows += [(region, p, False) for p in provinces]
        elif region in provinces:
            rows.append((region, region, False))
        elif region in set(table["landsdeel"]):
            part = table[table["landsdeel"] == region]
            rows += [(region, p, s == "assumed") for p, s in zip(part["province"], part["status"],
                                                                strict=True)]
        else:
            known = [NATIONAL, *sorted(set(table["landsdeel"])), *provinces]
            raise TpDataError("unknown region", file="data/mappings/regions.csv",
                              column="region", value=region,
                              expected=did_you_mean(region, known))
    frame = pd.DataFrame(rows, columns=["region", "province", "assumed"])
    return frame.astype({"region": "str", "province": "str", "assumed": bool})


def canonical_province(names: pd.Series) -> pd.Series:
    """Province names as written in DUO files (``Fryslân``) -> CBS spelling (``Friesland``).

    Raises
    ------
    TpDataError
        Listing the names that are no province (nothing is left unmapped silently).
    """
    regions = load_regions()
    spelling: dict[str, str] = {}
    for province, aliases in zip(regions["province"], regions["aliases"], strict=True):
        for name in [province, *filter(None, aliases.split(";"))]:
            spelling[_province_key(name)] = province
    unique = pd.unique(names.astype(object).to_numpy())
    lookup = {name: spelling.get(_province_key(str(name))) for name in unique}
    result = names.astype(object).map(lookup)
    unknown = sorted(set(names[result.isna()].astype(str)))
    if unknown:
        raise TpDataError(
            f"{len(unknown)} unknown province name(s)",
            file="data/mappings/regions.csv",
            column=str(names.name) if names.name is not None else "province",
            value=unknown,
            expected=f"{did_you_mean(unknown[0], sorted(set(spelling.values())))} (or an alias in "
                     "regions.csv)",
        )
    return result.astype(str)


def _province_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return " ".join(re.sub(r"[-.]", " ", text).split())


def landsdeel_provinces(landsdeel: str) -> list[str]:
    """Provinces of a Techniekpact landsdeel (``"Oost"`` -> Gelderland, Overijssel).

    Raises
    ------
    TpDataError
        When ``data/mappings/regions.csv`` names no province for the landsdeel.
    """
    regions = load_regions()
    provinces = sorted(regions.loc[regions["landsdeel"] == landsdeel, "province"])
    if not provinces:
        known = sorted(set(regions["landsdeel"]))
        raise TpDataError(
            "unknown landsdeel",
            file="data/mappings/regions.csv",
            column="landsdeel",
            value=landsdeel,
            expected=f"one of {known}",
        )
    return provinces


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _read_mapping(name: str, required: list[str]) -> pd.DataFrame:
    return read_mapping(mapping_path(name), required=required).drop(columns="line")


def _require_columns(table: pd.DataFrame, required: list[str], path: Path) -> None:
    require_columns(table.columns, required, file=path, line=1)


# ----------------------------------------------------------------------------------------------
# vo school locations
# ----------------------------------------------------------------------------------------------

VO_ADDRESS_LIST = "duo-vo-cito/alle-vestigingen-vo.csv"


def vo_location_provinces(raw_dir: str | Path) -> dict[str, str]:
    """School location code (BRIN + two digits, ``00AH00``) -> province, from DUO's address
    list of vo locations (``alle-vestigingen-vo.csv``, ISO-8859-1, a snapshot of about 2019).

    Raises
    ------
    TpDataError
        A missing column, a repeated location code or an unknown province name.
    """
    from tpforecast.data.duo import read_duo_table  # the one reader of DUO tables

    path = Path(raw_dir) / VO_ADDRESS_LIST
    table = read_duo_table(path).frame
    _require_columns(table, ["PROVINCIE", "VESTIGINGSNUMMER"], path)
    lines = pd.Series(table.index.to_numpy(), name="line")
    from tpforecast.data.checks import check_unique

    check_unique(table, ["VESTIGINGSNUMMER"], file=path, lines=lines, column="VESTIGINGSNUMMER",
                 what="school location")
    provinces = canonical_province(table["PROVINCIE"].rename("PROVINCIE"))
    return dict(zip(table["VESTIGINGSNUMMER"], provinces, strict=True))
