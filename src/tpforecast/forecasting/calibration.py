"""Building the default model's calibration from the package's own series (stage 3).

:func:`calibration_sets` chooses the series the default is used on, in two kinds:

national
    The canonical published monitor series for NL (sex ``all``) with at least
    :data:`MIN_SHARES` shares: long (6-13 points) and smooth, levelled off after 2015.
regional
    The DUO-basis series (``data/mappings/series_roles.csv``) of every province and landsdeel
    (sex ``all``), for the levels marked ``regional_set`` in ``data/mappings/level_families.csv``
    (pools of other levels are left out: their parts stand for them), with at least
    :data:`MIN_SHARES` shares: short (5-10 points), noisier, some trending.

:func:`calibration_scores` runs the rolling origins (expanding window, ``min_train`` 4,
horizons 1-5) and records the error of the last-value forecast; :func:`calibrate` builds the
table from every score and writes both files into ``data/`` (``tpforecast calibrate``; the
output is byte-identical for the same data, and a test checks the committed files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import logit

from tpforecast.forecasting.backtesting import _train
from tpforecast.forecasting.series import KEY, split_series
from tpforecast.models.calibration import (
    CALIBRATION_FILE,
    H_CAL,
    SCORE_COLUMNS,
    SCORES_FILE,
    build_table,
    families_of,
    kind_of,
    raw_scale,
    table_frame,
)
from tpforecast.options import checked

__all__ = ["MIN_SHARES", "MIN_TRAIN", "CalibrationFiles", "calibrate", "calibration_scores",
           "calibration_sets"]

#: Fewest shares of a series in a calibration set.
MIN_SHARES = 5
#: Fewest observations in a calibration window (national series as of 2015 have 3-8).
MIN_TRAIN = 4


def _enough(frame: pd.DataFrame) -> pd.DataFrame:
    counts = frame.groupby(KEY)["share"].transform("count")
    return frame.loc[(counts >= MIN_SHARES).to_numpy()]


def calibration_sets(series: pd.DataFrame) -> pd.DataFrame:
    """The series the default is calibrated on, with their ``kind`` (see the module docstring).

    Parameters
    ----------
    series
        Series frame (:func:`~tpforecast.data.loaders.load_series`).

    Returns
    -------
    pandas.DataFrame
        The rows with a share of the national and the regional set, plus ``kind``.
    """
    from tpforecast.data.tables import load_level_families, load_series_roles

    has = series["share"].notna().to_numpy() & (series["sex"] == "all").to_numpy(
        dtype=bool, na_value=False)
    nl = (series["region"] == "NL").to_numpy(dtype=bool, na_value=False)
    national = has & nl & series["canonical"].to_numpy(dtype=bool) & (
        series["origin"] == "published").to_numpy(dtype=bool, na_value=False)
    roles = load_series_roles()
    families = load_level_families()
    in_set = set(families.loc[families["regional_set"], "level"])
    basis = {str(r.level): str(r.duo_basis) for r in roles.itertuples() if r.level in in_set}
    regional = has & ~nl & np.array([basis.get(lv) == ind for lv, ind in
                                     zip(series["level"], series["indicator"], strict=True)],
                                    dtype=bool)
    out = pd.concat([series.loc[national].assign(kind="national"),
                     series.loc[regional].assign(kind="regional")], ignore_index=True)
    return _enough(out).reset_index(drop=True)


def calibration_scores(series: pd.DataFrame, *, min_train: int = MIN_TRAIN) -> pd.DataFrame:
    """Rolling-origin errors of the last-value forecast on every series of ``series``.

    Each window sees only the first ``k >= min_train`` observations of a series (sliced before
    anything is computed) and is scored on every later observed year 1..5 years after its
    cutoff.

    Returns
    -------
    pandas.DataFrame
        :data:`~tpforecast.models.calibration.SCORE_COLUMNS`: per window and held-out year the
        kind (from the region), the level's families, the key, ``n_train, cutoff, year,
        horizon``, the logit ``error`` and the window's ``s_hat, m, floor, nu``.
    """
    min_train = checked("min_train", min_train)
    split = split_series(series)
    rows = []
    for key, data in split.data.items():
        family = ";".join(families_of(key[1]))
        for k in range(min_train, data.n):
            cutoff = int(data.years[k - 1])
            h = data.years[k:] - cutoff
            inside = h <= H_CAL
            if not inside.any():
                continue
            train = _train(data, k)
            raw = raw_scale(train)
            actual = np.clip(data.shares[k:][inside], train.eps, 1 - train.eps)
            err = logit(actual) - raw.loc
            rows += [{"kind": kind_of(key[2]), "family": family,
                      **dict(zip(KEY, key, strict=True)), "n_train": k, "cutoff": cutoff,
                      "year": int(y), "horizon": int(hh), "error": float(e),
                      "s_hat": raw.s_hat, "m": raw.m, "floor": raw.floor, "nu": raw.nu}
                     for y, hh, e in zip(data.years[k:][inside], h[inside], err, strict=True)]
    out = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    return out.sort_values(["kind", *KEY, "cutoff", "year"], ignore_index=True)


@dataclass(frozen=True)
class CalibrationFiles:
    """What :func:`calibrate` computed and wrote."""

    table: pd.DataFrame  # data/calibration.csv
    scores: pd.DataFrame  # data/calibration_scores.csv
    paths: tuple[Path, ...]


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def calibrate(series: pd.DataFrame | None = None, *, folder: str | Path | None = None,
              min_train: int = MIN_TRAIN) -> CalibrationFiles:
    """Recompute the default model's calibration and write it (``tpforecast calibrate``).

    Parameters
    ----------
    series
        Series frame; default :func:`~tpforecast.data.loaders.load_series` (today's data).
    folder
        Where to write ``calibration.csv`` and ``calibration_scores.csv``; default the
        project's ``data/`` (then the evaluation of every model, ``data/evaluation.csv``, is
        rebuilt with the new calibration and ``data/datapackage.json`` is refreshed, too).
    min_train
        Fewest observations in a window.

    Returns
    -------
    CalibrationFiles
        The table (per kind and horizon, with provenance columns), the scores, the paths
        written.
    """
    from tpforecast.data.build import write_datapackage
    from tpforecast.data.loaders import load_series
    from tpforecast.paths import data_dir

    series = load_series() if series is None else series
    sets = calibration_sets(series)
    scores = calibration_scores(sets, min_train=min_train)
    vintage = None
    if "vintage" in sets.columns and sets["vintage"].notna().any():
        vintage = int(sets["vintage"].max())
    table = table_frame(scores, build_table(scores), min_train=min_train, data_vintage=vintage)
    home = folder is None
    root = data_dir() if home else Path(folder)
    paths = (root / CALIBRATION_FILE, root / SCORES_FILE)
    _write(table, paths[0])
    _write(scores, paths[1])
    if home:
        # the stored evaluation judges the default with this calibration: rebuilt with it
        from tpforecast.forecasting.evaluation import write_evaluation

        paths = (*paths, write_evaluation(series))
        write_datapackage(root)
    return CalibrationFiles(table, scores, paths)
