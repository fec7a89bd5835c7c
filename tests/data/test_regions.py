"""Tests of tpforecast.data.regions: name normalisation, committed lookups, coverage of DUO files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.duo import read_duo_table
from tpforecast.data.regions import (
    build_region_lookups,
    canonical_province,
    landsdeel_provinces,
    load_regions,
    normalize_name,
    province_of,
    write_region_lookups,
)
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir, shared_dir

RAW = shared_dir() / "data" / "raw"
MAPPINGS = data_dir() / "mappings"


def needs_shared(test):
    """Mark a test that reads the real files in ../shared/data/raw (skipped without them)."""
    skip = pytest.mark.skipif(not RAW.is_dir(), reason="needs ../shared/data/raw")
    return pytest.mark.shared(skip(test))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HENGELO OV", ("HENGELO", "OV")),
        ("EDE GLD", ("EDE", "GLD")),
        ("Hengelo (O.)", ("HENGELO", "O")),
        ("Bergen (NH.)", ("BERGEN", "NH")),
        ("BERGEN (NH.)", ("BERGEN", "NH")),
        ("Bergen L", ("BERGEN", "L")),
        ("NUENEN C.A.", ("NUENEN", "")),
        ("Súdwest-Fryslân", ("SUDWEST FRYSLAN", "")),
        ("'s-Hertogenbosch", ("S HERTOGENBOSCH", "")),
        ("  hof  van   twente ", ("HOF VAN TWENTE", "")),
        ("L", ("L", "")),  # a lone token is a name, not a hint
    ],
)
def test_normalize_name(name: str, expected: tuple[str, str]) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    ("name", "kind", "province"),
    [
        ("HENGELO OV", "place", "Overijssel"),  # not Hengelo (Gld) in Bronckhorst
        ("HENGELO GLD", "place", "Gelderland"),
        ("EDE GLD", "place", "Gelderland"),
        ("ZAANDAM", "place", "Noord-Holland"),  # only a woonplaats
        ("VEGHEL", "place", "Noord-Brabant"),
        ("'S-HERTOGENBOSCH", "place", "Noord-Brabant"),
        ("HENGELO", "municipality", "Overijssel"),  # Hengelo (O.), qualifier stripped
        ("BERGEN (NH.)", "municipality", "Noord-Holland"),
        ("STEIN", "municipality", "Limburg"),
        ("NUENEN C.A.", "municipality", "Noord-Brabant"),  # via woonplaats Nuenen
        ("HOF VAN TWENTE", "municipality", "Overijssel"),
        ("BERG EN DAL", "municipality", "Gelderland"),
        ("GROESBEEK", "municipality", "Gelderland"),  # merged into Berg en Dal in 2016
        ("Súdwest-Fryslân", "municipality", "Friesland"),
    ],
)
def test_province_of_committed_lookups(name: str, kind: str, province: str) -> None:
    assert province_of([name], kind=kind).tolist() == [province]


def test_province_of_keeps_index_and_order() -> None:
    names = pd.Series(["ZWOLLE", "ARNHEM", "ZWOLLE"], index=[10, 20, 30], name="plaatsnaam")
    result = province_of(names, kind="place")
    assert result.index.tolist() == [10, 20, 30]
    assert result.tolist() == ["Overijssel", "Gelderland", "Overijssel"]


def test_province_of_lists_every_unmatched_name() -> None:
    names = pd.Series(["ZWOLLE", "ATLANTIS", "VELP", "EL DORADO"], name="plaatsnaam")
    with pytest.raises(TpDataError) as exc:
        province_of(names, kind="place")
    # VELP is ambiguous (Gelderland and Noord-Brabant) without a hint
    assert exc.value.value == ["ATLANTIS", "EL DORADO", "VELP"]
    assert exc.value.column == "plaatsnaam"
    assert "place_province.csv" in str(exc.value)
    assert province_of(["VELP GLD"], kind="place").tolist() == ["Gelderland"]


def test_province_of_unknown_kind() -> None:
    with pytest.raises(TpDataError, match="unknown name kind"):
        province_of(["ZWOLLE"], kind="province")


def test_landsdeel_oost() -> None:
    assert landsdeel_provinces("Oost") == ["Gelderland", "Overijssel"]
    regions = load_regions()
    assert len(regions) == 12 and regions["province"].is_unique
    assert "Flevoland" not in landsdeel_provinces("Oost")
    with pytest.raises(TpDataError, match="unknown landsdeel"):
        landsdeel_provinces("Atlantis")


def test_canonical_province() -> None:
    names = pd.Series(["Fryslân", "Noord-Brabant", "noord brabant"], name="provincie")
    assert canonical_province(names).tolist() == ["Friesland", "Noord-Brabant", "Noord-Brabant"]
    with pytest.raises(TpDataError, match="unknown province") as exc:
        canonical_province(pd.Series(["Twente"], name="provincie"))
    assert exc.value.column == "provincie" and exc.value.value == ["Twente"]


# ----------------------------------------------------------------------------------------------
# real reference files
# ----------------------------------------------------------------------------------------------


@needs_shared
def test_committed_lookups_rebuild_identically(tmp_path: Path) -> None:
    written = write_region_lookups(RAW, tmp_path)
    for path in written:
        assert path.read_bytes() == (MAPPINGS / path.name).read_bytes(), path.name


@needs_shared
def test_lookup_tables_content() -> None:
    lookups = build_region_lookups(RAW)
    places, municipalities = lookups["place"], lookups["municipality"]
    assert len(places) == 2_501 and places["woonplaatscode"].is_unique
    assert (places["province"] != "").all() and places["gemeentecode"].str.len().eq(4).all()
    current = municipalities[municipalities["einddatum"] == ""]
    assert len(current) == 342
    assert set(municipalities["province"]) == set(load_regions()["province"])


@needs_shared
def test_coverage_of_mbo_places() -> None:
    table = read_duo_table(RAW / "duo-tekkieworden" / "mbo_inscriptions_2019.csv").frame
    provinces = province_of(table["PLAATSNAAM"], kind="place")
    assert table["PLAATSNAAM"].nunique() == 37 and provinces.notna().sum() == 19_229
    oost = sorted(set(table.loc[provinces.isin(["Overijssel", "Gelderland"]), "PLAATSNAAM"]))
    assert oost == [
        "APELDOORN",
        "ARNHEM",
        "DOETINCHEM",
        "EDE GLD",
        "HARDERWIJK",
        "HENGELO OV",
        "LOCHEM",
        "NIJMEGEN",
        "TIEL",
        "ZWOLLE",
    ]


@needs_shared
def test_coverage_of_vo_municipalities() -> None:
    table = read_duo_table(RAW / "duo-vo-examens-alleschools" / "duo_examen_raw_all.csv").frame
    names = pd.Series(sorted(set(table["GEMEENTENAAM"])), name="gemeentenaam")
    provinces = province_of(names)
    assert len(names) == 283
    assert (provinces == "Overijssel").sum() == 23
    assert (provinces == "Gelderland").sum() == 41
    assert len(province_of(table["GEMEENTENAAM"])) == 12_782
