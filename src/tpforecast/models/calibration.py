"""The calibration of the default model (stage 2): conformal interval factors per horizon,
learned from rolling-origin errors, and where they are stored.

The default model (:mod:`~tpforecast.models.calibrated`) forecasts the last observed share and
takes its interval widths from how far such "no change" forecasts were off in backtests.

Scores
    One row per rolling-origin window and held-out year: a window sees the first ``k >= 4``
    observations of a series (nothing later) and the *error* is the logit of a later observed
    share minus the logit of the last share in the window, ``horizon = year - cutoff`` in
    1..5. The window's own noise (:class:`RawScale`) is kept beside it. Scores are computed
    from the package's own series by :func:`tpforecast.forecasting.calibration.calibrate`
    and shipped in ``data/calibration_scores.csv``.
The table
    Per *kind* (``national``: region NL; ``regional``: any other region) and horizon ``h``:
    ``q80``, ``q95``, the 80% and 95% quantiles of the standardised errors ``|error| / s_h``
    (``s_h``: the window's shrunk one-year scale grown to horizon ``h``, see
    :func:`horizon_scale`), made non-decreasing in ``h``; one Student-t ``df`` per kind
    chosen so that the t's 97.5%/90% quantile ratio matches the pooled ``q95 / q80``; ``s0``,
    the kind's typical one-year scale (median over windows). The shipped table is
    ``data/calibration.csv`` (built from every score).
No leakage
    A forecast must never be scored with a table that holds its own errors: backtests and
    hindcasts of the default use :func:`build_table` with ``exclude_families`` (the evaluated
    level's family from ``data/mappings/level_families.csv``: series of one family share
    definitions and shocks, so leaving out one series would leak). ``as_of`` keeps only errors
    realised by a year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from tpforecast.errors import TpDataError, TpModelError
from tpforecast.models.series import SeriesData
from tpforecast.paths import data_dir

__all__ = [
    "CALIBRATION_FILE",
    "H_CAL",
    "KINDS",
    "SCORES_FILE",
    "SCORE_COLUMNS",
    "TABLE_COLUMNS",
    "Calibration",
    "CalibrationTable",
    "KindTable",
    "RawScale",
    "build_table",
    "families_of",
    "horizon_scale",
    "kind_of",
    "load_calibration",
    "noise_share",
    "raw_scale",
    "shrunk_scale",
    "t_quantile",
]

#: Calibrated horizons 1..H_CAL (longer horizons keep the factor of H_CAL; widths still grow).
H_CAL = 5
#: Pseudo-increments of the kind's typical scale in a series' own scale (shrinkage weight).
M0 = 4.0
#: Least share of the one-year variance that accumulates like a random walk (so widths grow).
F_MIN = 0.25
#: Fewest scores for a quantile at a horizon (fewer: the factor of the horizon before).
MIN_SCORES = 10
#: Lower bound of the Student-t degrees of freedom (thin pools: no absurdly heavy tails).
MIN_DF = 3.0
#: The calibration kinds: NL series and all other regions.
KINDS: tuple[str, ...] = ("national", "regional")
#: Files in ``data/`` (rebuilt by ``tpforecast calibrate``).
CALIBRATION_FILE = "calibration.csv"
SCORES_FILE = "calibration_scores.csv"

SCORE_COLUMNS: list[str] = ["kind", "family", "indicator", "level", "region", "sex", "n_train",
                            "cutoff", "year", "horizon", "error", "s_hat", "m", "floor", "nu"]
TABLE_COLUMNS: list[str] = ["kind", "horizon", "q80", "q95", "n_scores", "n_series",
                            "first_cutoff", "last_year", "df", "s0", "m0", "f_min", "min_train",
                            "data_vintage"]


def kind_of(region: str | None) -> str:
    """The calibration kind of a series: ``national`` for NL, else ``regional`` (also when the
    region is not known: the wider, more cautious table)."""
    return "national" if region == "NL" else "regional"


# ------------------------------------------------------------------------- one window's noise
@dataclass(frozen=True)
class RawScale:
    """What the observations of one series (or window) say about their own noise."""

    s_hat: float  # RMS one-year logit increment (no drift); NaN without increments
    m: int  # number of increments
    floor: float  # rounding-noise floor of the one-year scale (0 unless whole percents)
    nu: float  # sampling (binomial) or rounding variance of one observation on the logit
    loc: float  # logit of the last observation: the point forecast


def raw_scale(data: SeriesData) -> RawScale:
    """The noise of one series' observations (see :class:`RawScale`).

    ``nu`` is the binomial variance ``1 / (n p (1 - p))`` on the logit (``n``: harmonic mean
    of the counts, when every observation has one), at least the rounding variance of whole
    percents; ``floor`` is the one-year scale of pure rounding noise.
    """
    x = data.logit()
    gaps = np.diff(data.years).astype(float)
    d = np.diff(x)
    s_hat = float(np.sqrt(np.mean(d**2 / gaps))) if d.size else math.nan
    p = float(np.clip(np.mean(data.shares), data.eps, 1 - data.eps))
    floor = nu = 0.0
    if data.resolution > 0:
        sd_round = data.resolution / math.sqrt(12) / (p * (1 - p))
        floor, nu = math.sqrt(2) * sd_round, sd_round**2
    n = data.n_total
    if n is not None and np.isfinite(n).all() and (n > 0).all():
        n_harmonic = len(n) / float(np.sum(1.0 / n))
        nu = max(nu, 1.0 / (n_harmonic * p * (1 - p)))
    return RawScale(s_hat, int(d.size), floor, nu, float(x[-1]))


def shrunk_scale(raw: RawScale, s0: float, m0: float = M0) -> float:
    """One-year scale: the series' own ``s_hat`` shrunk to the kind's ``s0`` with ``m0``
    pseudo-increments, ``sqrt((m s_hat^2 + m0 s0^2) / (m + m0))``, at least the floor."""
    own = raw.m * raw.s_hat**2 if raw.m else 0.0
    return float(max(math.sqrt((own + m0 * s0**2) / (raw.m + m0)), raw.floor))


def noise_share(nu: np.ndarray | float, s: np.ndarray | float,
                f_min: float = F_MIN) -> np.ndarray:
    """Share of the one-year variance that is sampling noise and does not accumulate:
    ``min(2 nu / s^2, 1 - f_min)``."""
    return np.minimum(2 * np.asarray(nu, dtype=float) / np.asarray(s, dtype=float) ** 2,
                      1 - f_min)


def horizon_scale(s: np.ndarray | float, pi: np.ndarray | float,
                  h: np.ndarray | float) -> np.ndarray:
    """``s_h = s * sqrt((1 - pi) h + pi)``: the noise part stays, the rest grows like a random
    walk (``s_1 = s``)."""
    pi = np.asarray(pi, dtype=float)
    return np.asarray(s, dtype=float) * np.sqrt((1 - pi) * np.asarray(h, dtype=float) + pi)


def t_quantile(level: float, df: float) -> float:
    """Upper quantile of a central ``level``% interval of the Student-t (normal for inf)."""
    p = 0.5 + level / 200
    return float(stats.norm.ppf(p) if math.isinf(df) else stats.t.ppf(p, df))


def _df_for_ratio(ratio: float) -> float:
    """Student-t df whose 97.5%/90% quantile ratio is ``ratio`` (inf: normal tails)."""
    normal = stats.norm.ppf(0.975) / stats.norm.ppf(0.9)
    if not np.isfinite(ratio) or ratio <= normal * 1.001:
        return math.inf

    def gap(df: float) -> float:
        return float(stats.t.ppf(0.975, df) / stats.t.ppf(0.9, df) - ratio)

    if gap(1.05) < 0:
        return 1.05
    return float(optimize.brentq(gap, 1.05, 1e4))


# ---------------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class KindTable:
    """The calibration of one kind: per-horizon quantiles of standardised errors."""

    kind: str
    q80: tuple[float, ...]  # non-decreasing, one per horizon 1..H_CAL
    q95: tuple[float, ...]
    df: float
    s0: float
    m0: float = M0
    f_min: float = F_MIN

    def factor(self, h: np.ndarray) -> np.ndarray:
        """``c_h``, the multiplier of ``s_h`` for the t at horizons ``h`` (>= 1), so that the
        80% interval is the conformal one: ``c_h = q80_h / t_df(0.90)``."""
        idx = np.minimum(np.asarray(h, dtype=np.int64), H_CAL) - 1
        return np.asarray(self.q80, dtype=float)[idx] / t_quantile(80, self.df)


@dataclass(frozen=True)
class CalibrationTable:
    """The tables of the kinds (``national``, ``regional``)."""

    kinds: dict[str, KindTable]

    def kind(self, name: str) -> KindTable:
        """The table of a kind; a :class:`~tpforecast.errors.TpModelError` when it is empty."""
        if name not in self.kinds:
            raise TpModelError(f"the calibration has no {name} table (too few backtest errors "
                               f"of that kind); it has: {', '.join(self.kinds) or 'none'}")
        return self.kinds[name]


def _quantiles(r: np.ndarray, hs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per horizon the 80% and 95% quantiles (NaN below MIN_SCORES scores) and counts."""
    q80, q95 = np.full(H_CAL, np.nan), np.full(H_CAL, np.nan)
    n = np.zeros(H_CAL, dtype=np.int64)
    for h in range(1, H_CAL + 1):
        rh = r[hs == h]
        n[h - 1] = rh.size
        if rh.size >= MIN_SCORES:
            q80[h - 1] = np.quantile(rh, 0.8, method="higher")
            q95[h - 1] = np.quantile(rh, 0.95, method="higher")
    return q80, q95, n


def _kind_table(kind: str, g: pd.DataFrame, m0: float, f_min: float) -> KindTable | None:
    windows = g.drop_duplicates(["indicator", "level", "region", "sex", "cutoff"])
    s0 = float(np.median(windows["s_hat"].to_numpy(dtype=float)))
    m = g["m"].to_numpy(dtype=float)
    s = np.sqrt((m * g["s_hat"].to_numpy(dtype=float) ** 2 + m0 * s0**2) / (m + m0))
    s = np.maximum(s, g["floor"].to_numpy(dtype=float))
    hs = g["horizon"].to_numpy(dtype=np.int64)
    sh = horizon_scale(s, noise_share(g["nu"].to_numpy(dtype=float), s, f_min), hs)
    q80, q95, n = _quantiles(np.abs(g["error"].to_numpy(dtype=float)) / sh, hs)
    if np.isnan(q80[0]):
        return None  # too few one-year errors of this kind
    for q in (q80, q95):  # a missing longer horizon keeps the factor before it
        for i in range(1, H_CAL):
            if np.isnan(q[i]):
                q[i] = q[i - 1]
    q80, q95 = np.maximum.accumulate(q80), np.maximum.accumulate(q95)
    q95 = np.maximum(q95, q80)
    ok = n >= MIN_SCORES  # the tails only from horizons with enough scores
    ratio = float(np.sum((q95 * n)[ok]) / np.sum((q80 * n)[ok]))
    df = max(_df_for_ratio(ratio), MIN_DF)
    return KindTable(kind, tuple(map(float, q80)), tuple(map(float, q95)), df, s0, m0, f_min)


def build_table(scores: pd.DataFrame, *, exclude_families: Iterable[str] = (),
                as_of: int | None = None, m0: float = M0,
                f_min: float = F_MIN) -> CalibrationTable:
    """The conformal calibration table from backtest scores.

    Parameters
    ----------
    scores
        Scores (:data:`SCORE_COLUMNS`, ``data/calibration_scores.csv``).
    exclude_families
        Level families whose scores are left out (the family evaluated: no leakage). A score
        is left out when any of its ``;``-joined families is excluded.
    as_of
        Use only errors whose year is ``<= as_of`` (what was known then).
    m0, f_min
        Shrinkage weight of the kind's scale and the least accumulating variance share.

    Returns
    -------
    CalibrationTable
        One :class:`KindTable` per kind with at least ``MIN_SCORES`` one-year errors.
    """
    excluded = set(exclude_families)
    sc = scores
    if excluded:
        keep = [not (set(f.split(";")) & excluded) for f in sc["family"].astype(str)]
        sc = sc.loc[np.asarray(keep, dtype=bool)]
    if as_of is not None:
        sc = sc.loc[(sc["year"].astype(int) <= int(as_of)).to_numpy()]
    kinds = {}
    for kind, g in sc.groupby("kind", sort=True):
        table = _kind_table(str(kind), g, m0, f_min)
        if table is not None:
            kinds[str(kind)] = table
    return CalibrationTable(kinds)


def table_frame(scores: pd.DataFrame, table: CalibrationTable, *, min_train: int,
                data_vintage: int | None) -> pd.DataFrame:
    """The table as ``data/calibration.csv`` holds it: per kind and horizon the quantiles, the
    kind's ``df, s0, m0, f_min`` and the provenance (scores, series, first cutoff, last year
    scored, ``min_train``, the vintage of the data)."""
    rows = []
    for kind, t in table.kinds.items():
        g = scores.loc[(scores["kind"] == kind).to_numpy()]
        n_series = len(g[["indicator", "level", "region", "sex"]].drop_duplicates())
        for i in range(H_CAL):
            gh = g.loc[(g["horizon"] == i + 1).to_numpy()]
            rows.append({"kind": kind, "horizon": i + 1, "q80": t.q80[i], "q95": t.q95[i],
                         "n_scores": len(gh), "n_series": n_series,
                         "first_cutoff": int(g["cutoff"].min()), "last_year": int(g["year"].max()),
                         "df": t.df, "s0": t.s0, "m0": t.m0, "f_min": t.f_min,
                         "min_train": min_train, "data_vintage": data_vintage})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


# ------------------------------------------------------------------------------ shipped files
def _numeric(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> pd.DataFrame:
    for c in columns:
        values = pd.to_numeric(frame[c].replace("", np.nan), errors="coerce")
        bad = values.isna() & (frame[c] != "")
        if bad.any():
            i = int(np.nonzero(bad.to_numpy())[0][0])
            raise TpDataError("not a number", file=path, line=int(frame["line"].iloc[i]),
                              column=c, value=frame[c].iloc[i], expected="a number")
        frame[c] = values.astype(float)
    return frame


def read_table(path: Path) -> CalibrationTable:
    """Read ``data/calibration.csv`` (checked: columns, numbers, horizons 1..H_CAL per kind,
    non-decreasing ``q80``)."""
    from tpforecast.data.mappings import read_mapping

    frame = read_mapping(path, required=TABLE_COLUMNS, key=("kind", "horizon"),
                         not_empty=[c for c in TABLE_COLUMNS if c != "data_vintage"])
    frame = _numeric(frame, TABLE_COLUMNS[1:], path)
    kinds = {}
    for kind, g in frame.groupby("kind", sort=True):
        g = g.sort_values("horizon")
        if g["horizon"].tolist() != list(range(1, H_CAL + 1)):
            raise TpDataError(f"kind {kind} lacks horizons", file=path,
                              line=int(g["line"].iloc[0]), column="horizon",
                              value=",".join(str(int(h)) for h in g["horizon"]),
                              expected=f"one row per horizon 1..{H_CAL}")
        q80 = g["q80"].to_numpy(dtype=float)
        if (np.diff(q80) < 0).any() or (g["q95"].to_numpy(dtype=float) < q80).any():
            raise TpDataError(f"kind {kind}: quantiles must not shrink with the horizon and "
                              "q95 must be at least q80", file=path, line=int(g["line"].iloc[0]),
                              column="q80", value=",".join(f"{v:g}" for v in q80),
                              expected="non-decreasing q80 <= q95")
        r0 = g.iloc[0]
        kinds[str(kind)] = KindTable(str(kind), tuple(q80), tuple(g["q95"].astype(float)),
                                     float(r0["df"]), float(r0["s0"]), float(r0["m0"]),
                                     float(r0["f_min"]))
    return CalibrationTable(kinds)


def read_scores(path: Path) -> pd.DataFrame:
    """Read ``data/calibration_scores.csv`` (checked columns and numbers)."""
    from tpforecast.data.mappings import read_mapping

    frame = read_mapping(path, required=SCORE_COLUMNS, not_empty=SCORE_COLUMNS)
    frame = _numeric(frame, SCORE_COLUMNS[6:], path)
    for c in ("n_train", "cutoff", "year", "horizon", "m"):
        frame[c] = frame[c].astype(np.int64)
    return frame[SCORE_COLUMNS]


@dataclass(frozen=True, eq=False)  # hashed by identity (cached held-out tables)
class Calibration:
    """The shipped calibration: the table and the scores it was built from."""

    table: CalibrationTable
    scores: pd.DataFrame

    def held_out(self, families: Iterable[str]) -> CalibrationTable:
        """The table without the scores of ``families`` (for evaluating those families)."""
        return _held_out(self, tuple(sorted(set(families))))


@lru_cache(maxsize=64)
def _held_out(calibration: Calibration, families: tuple[str, ...]) -> CalibrationTable:
    return build_table(calibration.scores, exclude_families=families)


def _stamp(path: Path) -> tuple[str, int]:
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return str(path), -1


def load_calibration(folder: str | Path | None = None) -> Calibration:
    """The shipped calibration (``data/calibration.csv`` and ``data/calibration_scores.csv``),
    read once per state of the files.

    Raises
    ------
    TpDataError
        A missing or malformed file (naming file, line and column); rebuild both with
        ``tpforecast calibrate``.
    """
    root = Path(folder) if folder is not None else data_dir()
    return _load(_stamp(root / CALIBRATION_FILE), _stamp(root / SCORES_FILE))


@lru_cache(maxsize=4)
def _load(table: tuple[str, int], scores: tuple[str, int]) -> Calibration:
    return Calibration(read_table(Path(table[0])), read_scores(Path(scores[0])))


@lru_cache(maxsize=4)
def _families(stamp: tuple[str, int]) -> dict[str, tuple[str, ...]]:
    from tpforecast.data.tables import load_level_families

    frame = load_level_families(stamp[0])
    return {str(r.level): tuple(str(r.family).split(";")) for r in frame.itertuples()}


def families_of(level: str | None) -> tuple[str, ...]:
    """The families of a level (``data/mappings/level_families.csv``); a level not listed is
    its own family."""
    from tpforecast.data.mappings import mapping_path

    if not level:
        return ()
    return _families(_stamp(mapping_path("level_families.csv"))).get(level, (level,))
