"""Rebuild everything in ``data/`` that is derived from the sources in ``../shared``.

``tpforecast data build`` runs :func:`build_data`. It is deterministic: running it twice, or
on another machine, gives the same bytes (a test checks this against the committed files).

The build writes into a temporary folder beside ``out`` (a copy of it, so hand-kept files
stay) and swaps it in only when every step succeeded: a build that fails halfway leaves
``data/`` as it was.

Steps
-----
1. Copy the published figures to ``data/published/`` (byte for byte).
2. Derive the municipality/place -> province lookups (``data/mappings/*_province.csv``).
3. Clean the published figures (:func:`tpforecast.clean_figures`).
4. Derive regional and national series from the raw DUO files (every province, landsdeel and
   NL), anchor the vo exam proxy to the 2019/20 pupil file and put every regional series on the
   monitor's scale (:mod:`tpforecast.data.benchmark`).
5. Combine, validate, and write ``data/processed/series.csv`` and ``clean_log.csv``.
6. Write ``data/datapackage.json`` (Frictionless descriptor with fields, units, sources,
   licences, and a sha256 hash of every resource).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from tpforecast.data.benchmark import benchmark_series
from tpforecast.data.cleaning import clean_figures
from tpforecast.data.cleanlog import LOG_DTYPES
from tpforecast.data.derive import derive_duo_series
from tpforecast.data.loaders import (
    SERIES_COLUMNS,
    TARGET_COLUMNS,
    TARGET_DTYPES,
    TARGET_OPTIONAL,
)
from tpforecast.data.published import load_figures
from tpforecast.data.regions import write_region_lookups
from tpforecast.data.validation import SERIES_KEY, validate
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir, shared_dir

__all__ = ["build_data", "summarize_series"]

PUBLISHED_NAME = "techniekpact_figures.csv"

LICENCES = {
    "duo": {"name": "DUO-open-onderwijsdata", "title": "DUO Open Onderwijsdata (credit DUO; "
            "published as open data, CC0 or CC-BY 4.0 by source)",
            "path": "https://duo.nl/open_onderwijsdata/"},
    "cbs": {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 (CBS)",
            "path": "https://creativecommons.org/licenses/by/4.0/"},
    "monitor": {"name": "Techniekpact-monitor", "title": "Published figures of the Techniekpact "
                "monitor, VHTO, onderwijsincijfers.nl and policy documents; cited with source "
                "and edition per row", "path": "https://www.techniekpact.nl/monitor-techniekpact"},
}

SOURCES = [
    {"title": "Techniekpact monitor and related published figures (editions 2016-2024)",
     "path": "shared/data/published/techniekpact_figures.csv"},
    {"title": "DUO: deelnemers mbo per instelling, sector, niveau, geslacht 2015-2019",
     "path": "shared/data/raw/duo-tekkieworden/mbo_inscriptions_2019.csv"},
    {"title": "DUO: eerstejaars ingeschrevenen hbo en wo 2015-2019",
     "path": "shared/data/raw/duo-tekkieworden/{hbo,wo}_inscriptions_2019.csv"},
    {"title": "DUO: examenkandidaten en geslaagden vo 2019-2024",
     "path": "shared/data/raw/duo-vo-examens-alleschools/duo_examen_raw_all.csv"},
    {"title": "DUO: examenkandidaten en geslaagden vo 2014-2019, leerlingen vo per vestiging "
              "2019 and the address list of vo locations",
     "path": "shared/data/raw/duo-vo-cito/"},
    {"title": "DUO: ingeschrevenen hbo 2014-2018",
     "path": "shared/data/raw/duo-hbo-ingeschrevenen-2014-2018/01-ingeschrevenen-hbo-2018.csv"},
    {"title": "DUO: eerstejaars ingeschrevenen wo 2013-2017",
     "path": "shared/data/raw/duo-wo-eerstejaars-2013-2017/eerstejaars.csv"},
    {"title": "DUO hbo eerstejaars and ingeschrevenen 2020-2024 (p02ho1ejrs, p01hoinges) as a "
              "Parquet star schema: a transformation of DUO data by another repository "
              "(ALeemans/ai-dimensional-modal-agent), not DUO's own files",
     "path": "shared/data/raw/duo-hbo-2020-2024-star/"},
    {"title": "CBS: gemeentelijke indeling and woonplaatsen (via NLExtract, woningwaardering)",
     "path": "shared/data/raw/reference/"},
]

# Field descriptions for the datapackage (units matter: shares are fractions, not percent).
SERIES_FIELDS = {
    "indicator": ("string", "What was measured (published monitor code, or duo_* for series "
                  "computed from DUO files); see data/mappings/indicators.csv and duo_indicators.csv"),
    "level": ("string", "Education level key (data/mappings/level_names.csv)"),
    "region": ("string", "NL, a landsdeel (e.g. Oost), a province or a region"),
    "sex": ("string", "all, female or male; a female share is girls choosing technique among all girls"),
    "year": ("integer", "Start year of the school year (2014 = 2014/15)"),
    "share": ("number", "Share choosing a beta/technical programme, fraction 0-1"),
    "share_lo": ("number", "Lower bound of share given privacy-suppressed cells, fraction 0-1"),
    "share_hi": ("number", "Upper bound of share given privacy-suppressed cells, fraction 0-1"),
    "n_tech": ("integer", "Number of pupils/students in a technical programme (persons)"),
    "n_total": ("integer", "Number of pupils/students of that level (persons)"),
    "source": ("string", "Source URL (published) or path of the raw file under shared/"),
    "edition": ("string", "Edition of the source (monitor year, page update, DUO release)"),
    "origin": ("string", "published or duo"),
    "canonical": ("boolean", "Headline indicator for this level (data/mappings/indicators.csv)"),
    "flags": ("string", "';'-separated tokens: value quality, breaks, proxies (docs/design.md)"),
}
_LOG_DESCRIPTIONS = {
    "step": "Cleaning step",
    "action": "changed, dropped, flagged, moved or resolved",
    "rows": "Number of input rows affected",
    "indicator": "Indicator of the (first) affected figure",
    "level": "Level of the (first) affected figure",
    "region": "Region of the (first) affected figure",
    "sex": "Sex of the (first) affected figure",
    "year": "Start year of its school year (empty when it has none)",
    "measure": "share, count_tech, count_total or target",
    "old": "Value before a change (a name, level or indicator)",
    "new": "Value after the change",
    "kept_value": "Conflict resolution: the value kept, in the published unit",
    "kept_edition": "Edition of the kept value",
    "superseded_value": "Conflict resolution: the value superseded, in the published unit",
    "superseded_edition": "Edition of the superseded value",
    "file": "File of the (first) affected input row",
    "line": "Its physical line (header = 1)",
    "reason": "The entry as prose, for people",
}
LOG_FIELDS = {
    column: ({"int64": "integer", "Int64": "integer", "Float64": "number"}.get(dtype, "string"),
             _LOG_DESCRIPTIONS[column])
    for column, dtype in LOG_DTYPES.items()
}

#: The default model's calibration (written by `tpforecast calibrate`, described when present).
CALIBRATION_FIELDS = {
    "kind": ("string", "national (region NL) or regional (every other region)"),
    "horizon": ("integer", "Years after the last observation (1-5; longer horizons use 5)"),
    "q80": ("number", "80% quantile of the standardised logit errors of 'no change' forecasts"),
    "q95": ("number", "95% quantile of the standardised logit errors"),
    "n_scores": ("integer", "Number of backtest errors at this horizon"),
    "n_series": ("integer", "Number of series the errors come from"),
    "first_cutoff": ("integer", "Earliest forecast origin (last year of a training window)"),
    "last_year": ("integer", "Latest year scored"),
    "df": ("number", "Student-t degrees of freedom of the kind (inf: normal)"),
    "s0": ("number", "Typical one-year logit scale of the kind (median over windows)"),
    "m0": ("number", "Pseudo-increments with which a series' own scale is shrunk to s0"),
    "f_min": ("number", "Least share of the one-year variance that accumulates"),
    "min_train": ("integer", "Fewest observations in a training window"),
    "data_vintage": ("integer", "Vintage of the series the errors come from (load_series)"),
}
SCORE_FIELDS = {
    "kind": ("string", "national or regional"),
    "family": ("string", "Level family (data/mappings/level_families.csv), ';'-joined"),
    "indicator": ("string", "Series indicator"), "level": ("string", "Series level"),
    "region": ("string", "Series region"), "sex": ("string", "Series sex"),
    "n_train": ("integer", "Observations in the training window"),
    "cutoff": ("integer", "Last year of the training window (the forecast origin)"),
    "year": ("integer", "Held-out year"), "horizon": ("integer", "year - cutoff"),
    "error": ("number", "logit(share in year) - logit(last share of the window)"),
    "s_hat": ("number", "RMS one-year logit increment of the window"),
    "m": ("integer", "Increments in the window"),
    "floor": ("number", "Rounding-noise floor of the one-year logit scale"),
    "nu": ("number", "Sampling or rounding variance of one observation on the logit"),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n")


def combine_series(published: pd.DataFrame, duo: pd.DataFrame) -> pd.DataFrame:
    """Stack published and DUO-derived series into the canonical frame, checked and sorted."""
    both = pd.concat([published[SERIES_COLUMNS], duo[SERIES_COLUMNS]], ignore_index=True)
    both = both.sort_values([*SERIES_KEY, "year"], kind="mergesort").reset_index(drop=True)
    failing = validate(both, "series")
    if not failing.empty:
        first = failing.iloc[0]
        raise TpDataError(
            f"{len(failing)} combined series row(s) break the series schema: "
            f"{first.get('failed_check')} on {dict(first[SERIES_KEY + ['year']])}",
            column=first.get("failed_column") or None, value=first.get("failure_case"),
        )
    return both


def _resource(path: Path, root: Path, name: str, title: str, fields: dict | None,
              licences: list[str], sources: list[dict] | None = None) -> dict:
    res: dict = {
        "name": name,
        "path": path.relative_to(root).as_posix(),
        "title": title,
        "format": path.suffix.lstrip("."),
        "mediatype": "text/csv" if path.suffix == ".csv" else "application/octet-stream",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{_sha256(path)}",
        "licenses": [LICENCES[k] for k in licences],
    }
    if sources:
        res["sources"] = sources
    if fields:
        res["schema"] = {"fields": [
            {"name": k, "type": t, "description": d} for k, (t, d) in fields.items()
        ]}
    return res


def write_datapackage(out: Path) -> Path:
    """Write ``datapackage.json`` describing every file in ``out`` (a data/ directory)."""
    resources = [
        _resource(out / "processed" / "series.csv", out, "series",
                  "Canonical enrolment series per indicator, level, region, sex and year",
                  SERIES_FIELDS, ["monitor", "duo", "cbs"], SOURCES),
        _resource(out / "processed" / "clean_log.csv", out, "clean-log",
                  "Every change, drop, flag and conflict resolution made while cleaning the "
                  "published figures", LOG_FIELDS, ["monitor"]),
        _resource(out / "published" / PUBLISHED_NAME, out, "published-figures",
                  "Copy of the published Techniekpact figures (one figure a row, with source "
                  "and edition)", None, ["monitor"], SOURCES[:1]),
        _resource(out / "targets.csv", out, "targets",
                  "Policy targets per level, region and sex, each with its source",
                  {k: ("integer" if v == "Int64" else "number" if v == "Float64" else "string",
                       "") for k, v in ((c, {**TARGET_DTYPES, **TARGET_OPTIONAL}[c])
                                        for c in TARGET_COLUMNS)}, ["monitor"]),
    ]
    for name, title, fields in (
            ("calibration.csv", "Calibration of the default model's intervals (conformal "
             "quantiles per kind and horizon, with provenance)", CALIBRATION_FIELDS),
            ("calibration_scores.csv", "The backtest errors the calibration is built from "
             "(one row per window and held-out year)", SCORE_FIELDS),
            ("evaluation.csv", "Every model backtested on the national and the regional set "
             "(two_set_evaluation), with the fingerprint of its inputs", None)):
        if (out / name).exists():
            resources.append(_resource(out / name, out, name.removesuffix(".csv").replace(
                "_", "-"), title, fields, ["monitor", "duo"]))
    for path in sorted((out / "mappings").glob("*.csv")):
        resources.append(_resource(path, out, "mapping-" + path.stem.replace("_", "-"),
                                   f"Mapping/classification {path.name} (analyst-editable)",
                                   None, ["cbs"] if "province" in path.stem else ["monitor"]))
    package = {
        "profile": "tabular-data-package",
        "name": "tpforecast-enrolment-series",
        "title": "Beta/technical choice per level and region (Techniekpact), tidy and traced",
        "description": "Built by `tpforecast data build` from shared/data/published and "
                       "shared/data/raw. Shares are fractions (0-1); counts are persons.",
        "licenses": list(LICENCES.values()),
        "sources": SOURCES,
        "resources": resources,
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def build_data(shared: str | Path | None = None, out: str | Path | None = None) -> pd.DataFrame:
    """Rebuild every derived file in ``data/`` from ``../shared``, all or nothing.

    Parameters
    ----------
    shared
        The ``shared`` folder with ``data/published`` and ``data/raw`` (default ``../shared``).
    out
        Output data directory (default the project's ``data/``). Hand-kept files (mappings,
        targets) are read from the project's ``data/`` and copied when ``out`` differs.

    Returns
    -------
    pandas.DataFrame
        A summary: number of series, rows and year range per origin, level and region.

    Raises
    ------
    TpDataError
        From any step; ``out`` is then left exactly as it was (the build ran in a temporary
        copy that is swapped in only after the last step).
    """
    shared = Path(shared) if shared is not None else shared_dir()
    out = Path(out) if out is not None else data_dir()
    src_pub = shared / "data" / "published" / PUBLISHED_NAME
    raw = shared / "data" / "raw"
    if not src_pub.exists() or not raw.is_dir():
        raise TpDataError("source files not found (need data/published and data/raw)",
                          file=shared, expected="the ../shared folder beside the checkout")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        staged = work / out.name
        _stage(out, staged)
        summary = _build_into(staged, src_pub, raw)
        _swap(staged, out, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def _stage(out: Path, staged: Path) -> None:
    """The folder to build in: a copy of ``out`` (its other files stay) plus hand-kept files."""
    if out.is_dir():
        shutil.copytree(out, staged)
    staged.mkdir(parents=True, exist_ok=True)
    home = data_dir()
    if out.resolve() != home.resolve():
        shutil.copyfile(home / "targets.csv", staged / "targets.csv")
        # written by `tpforecast calibrate`
        for name in ("calibration.csv", "calibration_scores.csv", "evaluation.csv"):
            if (home / name).exists():
                shutil.copyfile(home / name, staged / name)
        (staged / "mappings").mkdir(parents=True, exist_ok=True)
        for path in (home / "mappings").glob("*.csv"):
            if not path.stem.endswith("_province"):  # those are derived below
                shutil.copyfile(path, staged / "mappings" / path.name)


def _build_into(staged: Path, src_pub: Path, raw: Path) -> pd.DataFrame:
    dst_pub = staged / "published" / PUBLISHED_NAME
    dst_pub.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src_pub, dst_pub)
    write_region_lookups(raw, staged / "mappings")
    figures = load_figures(dst_pub)
    # the log names the file as the repository has it, not the temporary build folder
    figures["file"] = f"data/published/{PUBLISHED_NAME}"
    cleaned = clean_figures(figures)
    duo = derive_duo_series(raw)
    scaled = benchmark_series(pd.concat([cleaned.series, duo], ignore_index=True))
    series = combine_series(cleaned.series, pd.concat([duo, scaled], ignore_index=True))
    _write_csv(series, staged / "processed" / "series.csv")
    _write_csv(cleaned.log, staged / "processed" / "clean_log.csv")
    write_datapackage(staged)
    return summarize_series(series)


def _swap(staged: Path, out: Path, work: Path) -> None:
    """Put the finished build in place of ``out`` (two renames on one file system)."""
    old = work / "previous"
    if out.exists():
        out.rename(old)
    try:
        staged.rename(out)
    except OSError:
        if old.exists():
            old.rename(out)  # put the old folder back
        raise


def summarize_series(series: pd.DataFrame) -> pd.DataFrame:
    """Series count, rows and year range per origin, level and region."""
    group = ["origin", "level", "region"]
    g = series.groupby(group, sort=True)
    n_series = series[[*group, "indicator", "sex"]].drop_duplicates().groupby(group).size()
    return pd.DataFrame({
        "series": n_series,
        "rows": g.size(),
        "first_year": g["year"].min(),
        "last_year": g["year"].max(),
    }).reset_index()
