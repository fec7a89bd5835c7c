"""The synthetic frames of the tests, built in code (never real data): one factory for series
with a trend and noise, one for explicit values, one for targets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

DTYPES = {"year": "Int64", "share": "Float64", "n_tech": "Int64", "n_total": "Int64"}


def synthetic_series(
    levels: Sequence[tuple[str, float, float, int | None]],
    years: Sequence[int],
    *,
    seed: int = 1,
    noise: float = 0.005,
    region: str = "NL",
    indicator: str = "synthetic_{level}",
    growth: float = 1.0,
    decimals: int = 2,
) -> pd.DataFrame:
    """Series with a linear trend plus noise: ``(level, base, slope, n_total)`` per level.

    ``share = round(base + slope * (year - years[0]) + N(0, noise), decimals)``, drawn level by
    level and year by year from one generator; with ``n_total`` the counts are
    ``n_total * growth ** i`` pupils and ``int(share * pupils)`` technical ones.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for level, base, slope, n0 in levels:
        for i, y in enumerate(years):
            s = round(base + slope * (y - years[0]) + rng.normal(0, noise), decimals)
            n = None if n0 is None else int(n0 * growth ** i)
            rows.append({"indicator": indicator.format(level=level), "level": level,
                         "region": region, "sex": "all", "year": y, "share": s,
                         "n_tech": None if n is None else int(s * n), "n_total": n})
    return _finish(pd.DataFrame(rows))


def synthetic_frame(years: Sequence[int], shares: Sequence[float | None], *,
                    level: str = "mbo", indicator: str = "synthetic_ind", region: str = "NL",
                    sex: str = "all", **columns: Any) -> pd.DataFrame:
    """One series with the given ``years`` and ``shares`` (and any other columns)."""
    df = pd.DataFrame({"indicator": indicator, "level": level, "region": region, "sex": sex,
                       "year": list(years), "share": list(shares), **columns})
    return _finish(df)


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    for col, value in (("n_tech", None), ("n_total", None), ("origin", "published"),
                       ("canonical", True), ("flags", ""), ("source", "synthetic"),
                       ("edition", "synthetic")):
        if col not in df.columns:
            df[col] = value
    return df.astype({c: t for c, t in DTYPES.items() if c in df.columns})


def synthetic_targets() -> pd.DataFrame:
    """Targets in the ``load_targets()`` layout: ambitions, goals, a region-free goal and a
    count target that must never match as a share target."""
    return pd.DataFrame({
        "level": ["havo", "vwo", "mbo", "mbo", "ho"],
        "region": ["NL", "NL", "NL", "Overijssel", None],
        "sex": ["all", "all", "all", "all", None],
        "year": pd.array([2019, 2019, 2020, 2020, 2020], dtype="Int64"),
        "target": pd.array([.55, .55, .40, 1.2, .40], dtype="Float64"),
        "kind": ["ambition", "ambition", "goal", "growth_count", "goal"],
        "source": ["s1", "s1", "s2", "s3", "s2"],
    })


#: The national years of the forecasting tests: gappy, like the monitor's series.
GAPPY_YEARS = [2005, 2007, 2009, 2010, 2011, 2014, 2017, 2018, 2019, 2020, 2021, 2022, 2023]


def synthetic_national(seed: int = 1, noise: float = 0.005) -> pd.DataFrame:
    """Four national levels (gappy, whole percents, counts) and one 5-point regional series."""
    nat = synthetic_series([("havo", .43, .004, 60000), ("vwo", .50, .003, 50000),
                            ("mbo", .27, .002, 140000), ("ho", .25, .003, 130000)],
                           GAPPY_YEARS, seed=seed, noise=noise, indicator="syn_{level}")
    years = list(range(2015, 2020))
    shares = [0.30 + 0.01 * i for i in range(5)]
    reg = synthetic_frame(years, shares, indicator="duo_syn", region="Overijssel",
                          n_tech=[int(s * 9000) for s in shares], n_total=[9000] * 5)
    return pd.concat([nat, reg], ignore_index=True)


#: A fast model and few paths, for tests that exercise code paths, not accuracy.
FAST = {"models": "drift", "n_paths": 800}


def cheap_ensemble():
    """A simulated model (no closed form, like ``ensemble``) that is cheap to fit: the
    ensemble's code path with two random-walk members."""
    from tpforecast.models import EnsembleModel

    return EnsembleModel(members=("naive", "drift"))


def synthetic_levels(seed: int = 3) -> pd.DataFrame:
    """Three national levels 2008-2023 (whole percents; havo and vwo with pupil counts growing
    2% a year) and a regional mbo series 2012-2021."""
    nat = synthetic_series([("havo", .40, -.002, 60000), ("mbo", .26, .003, None),
                            ("vwo", .55, .004, 40000)], list(range(2008, 2024)), seed=seed,
                           noise=.006, growth=1.02)
    reg = synthetic_frame(list(range(2012, 2022)), [round(.28 + .01 * i, 2) for i in range(10)],
                          indicator="synthetic_mbo", region="Overijssel")
    return pd.concat([nat, reg], ignore_index=True)


def rows(frame: pd.DataFrame, **eq: object) -> pd.DataFrame:
    """The rows of ``frame`` whose columns equal the given values."""
    m = np.ones(len(frame), dtype=bool)
    for c, v in eq.items():
        m &= (frame[c] == v).to_numpy(dtype=bool, na_value=False)
    return frame.loc[m]


def scenario_error(field: str, name: str = "bad"):
    """``pytest.raises`` for a scenario error that names the scenario and the field."""
    import pytest

    from tpforecast.errors import TpScenarioError

    return pytest.raises(TpScenarioError, match=rf"scenario '{name}'.*{field}")
