"""`tpforecast data build` reproduces the committed data/ byte for byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tpforecast.data.build import build_data
from tpforecast.paths import data_dir, shared_dir

DERIVED = [
    "processed/series.csv",
    "processed/clean_log.csv",
    "published/techniekpact_figures.csv",
    "mappings/municipality_province.csv",
    "mappings/place_province.csv",
    "datapackage.json",
]


@pytest.fixture(scope="module")
def rebuilt(shared, tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    summary = build_data(shared, out)
    return out, summary


@pytest.mark.shared
@pytest.mark.parametrize("name", DERIVED)
def test_rebuild_is_byte_identical(rebuilt, name):
    out, _ = rebuilt
    committed = data_dir() / name
    assert committed.exists(), f"{name} is not committed"
    assert (out / name).read_bytes() == committed.read_bytes(), (
        f"{name} differs from a fresh rebuild: run `make data` and commit")


@pytest.mark.shared
def test_summary_covers_regions(rebuilt):
    _, summary = rebuilt
    duo = summary.query("origin == 'duo'")
    assert {"NL", "Oost", "Overijssel", "Gelderland"} <= set(duo["region"])


def test_datapackage_describes_every_file():
    root = data_dir()
    pkg = json.loads((root / "datapackage.json").read_text())
    paths = {r["path"] for r in pkg["resources"]}
    for name in DERIVED[:-1] + ["targets.csv"]:
        assert name in paths
    for mapping in (root / "mappings").glob("*.csv"):
        assert f"mappings/{mapping.name}" in paths
    for res in pkg["resources"]:
        assert res["licenses"] and res["hash"].startswith("sha256:")
        assert (root / res["path"]).stat().st_size == res["bytes"], res["path"]
    series = next(r for r in pkg["resources"] if r["name"] == "series")
    fields = [f["name"] for f in series["schema"]["fields"]]
    assert "share" in fields and "fraction" in next(
        f["description"] for f in series["schema"]["fields"] if f["name"] == "share")


def test_committed_shared_free(tmp_path):
    """Nothing under data/ is a copy of a raw DUO file (those stay in ../shared), and no file
    grows without bound (series.csv holds about 16,000 traced rows: some 7 MB)."""
    files = [p for p in Path(data_dir()).rglob("*") if p.is_file()]
    big = [p for p in files if p.stat().st_size > 10_000_000]
    assert not big, big
    raw = shared_dir() / "data" / "raw"
    if raw.is_dir():
        raw_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.rglob("*")
                      if p.is_file()}
        copies = [p for p in files if hashlib.sha256(p.read_bytes()).hexdigest() in raw_hashes]
        assert not copies, copies
