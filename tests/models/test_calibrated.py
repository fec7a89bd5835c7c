"""The calibrated default: intervals that widen with the horizon (property tests, on random
series and on every bundled series), coverage on held-out data, and the calibration files
(reproducible byte for byte, read with clear errors)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpforecast as tp
from tpforecast.errors import TpDataError
from tpforecast.forecasting import calibrate, calibration_sets, split_series
from tpforecast.models import DEFAULT_MODEL, get_model
from tpforecast.models.calibration import (
    CALIBRATION_FILE,
    SCORES_FILE,
    load_calibration,
    read_table,
)
from tpforecast.paths import data_dir

H = np.arange(1, 11)
#: A ten-year band that covers this much of [0, 1] cannot widen any further on the share scale.
CEILING = 0.98


def widths(fitted) -> np.ndarray:
    """80% widths on the share scale 1..10 years after the last observation."""
    p = fitted.predict(fitted.last_year + H, intervals=(80,))
    return (p["hi_80"] - p["lo_80"]).to_numpy()


def logit_widths(fitted) -> np.ndarray:
    m = fitted.marginal(H)
    return 2 * m.scale  # the central interval is symmetric on the logit


def check_widening(fitted) -> None:
    w, lw = widths(fitted), logit_widths(fitted)
    assert (np.diff(w) >= -1e-12).all(), w  # never shrinks
    assert (np.diff(lw) > 0).all(), lw
    assert lw[9] >= 1.8 * lw[0] - 1e-12  # the construction's guarantee on the logit
    assert w[9] >= min(1.5 * w[0], CEILING), (w[0], w[9])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.floats(0.05, 0.95),
       steps=st.lists(st.floats(-0.10, 0.10), min_size=2, max_size=15),
       gaps=st.lists(st.integers(1, 3), min_size=15, max_size=15),
       counts=st.one_of(st.none(), st.integers(60, 200_000)),
       whole_percents=st.booleans(),
       region=st.sampled_from(["NL", "Overijssel", None]))
def test_width_widens_on_random_series(start, steps, gaps, counts, whole_percents, region):
    """Any series of shares between 5% and 95% with yearly changes up to 10 points."""
    shares = np.clip(start + np.cumsum([0.0, *steps]), 0.05, 0.95)
    if whole_percents:
        shares = np.round(shares, 2)
    years = 2000 + np.cumsum([0, *gaps[:len(steps)]])
    n = None if counts is None else np.full(len(years), float(counts))
    fitted = get_model(DEFAULT_MODEL).fit(years, shares, None if n is None else
                                          np.round(shares * n), n, region=region)
    check_widening(fitted)


@pytest.fixture(scope="module")
def bundled():
    return split_series(tp.load_series())


@pytest.mark.slow
def test_width_widens_on_every_bundled_series(bundled):
    """Every series of load_series() with at least 3 shares (national, regional, by sex)."""
    model = get_model(DEFAULT_MODEL)
    fitted = [model.fit_data(d) for d in bundled.data.values() if d.n >= model.min_obs]
    assert len(fitted) > 1500
    for f in fitted:
        check_widening(f)
    # the ceiling is needed only for erratic small groups whose one-year band already spans
    # most of [0, 1] (e.g. associate degrees in Limburg: 0% twice, then 68%)
    tight = [f for f in fitted if widths(f)[9] < 1.5 * widths(f)[0]]
    assert len(tight) < 0.01 * len(fitted)
    assert all(widths(f)[0] > 0.5 for f in tight)


def test_calibration_table_guarantees_widening():
    table = load_calibration().table
    for kind in ("national", "regional"):
        t = table.kind(kind)
        assert (np.diff(t.q80) >= 0).all() and (np.diff(t.q95) >= 0).all()
        assert (np.asarray(t.q95) >= np.asarray(t.q80)).all()
        assert math.sqrt(1 + 9 * t.f_min) >= 1.5  # f_min >= 0.139 keeps 1.5x on the logit


@pytest.fixture(scope="module")
def held_out_backtest():
    sets = calibration_sets(tp.load_series())
    bt = tp.backtest(sets.drop(columns="kind"), models=DEFAULT_MODEL, horizons=range(1, 6),
                     min_train=4, progress=False)
    bt = bt.loc[bt["status"] == "ok"]
    kind = sets.drop_duplicates(["indicator", "level", "region", "sex"])
    return bt.merge(kind[["indicator", "level", "region", "sex", "kind"]],
                    on=["indicator", "level", "region", "sex"])


@pytest.mark.parametrize("kind", ["national", "regional"])
def test_coverage_on_held_out_backtests(held_out_backtest, kind):
    """The default's 80% intervals, backtested with its own level family left out of the
    calibration, cover 75-85% of held-out points pooled, and 80% within binomial noise at
    every horizon 1-5."""
    bt = held_out_backtest.loc[held_out_backtest["kind"] == kind]
    inside = (bt["lo_80"] <= bt["actual"]) & (bt["actual"] <= bt["hi_80"])
    assert 0.75 <= inside.mean() <= 0.85
    for h, g in inside.groupby(bt["horizon"]):
        tolerance = max(0.05, 2 * math.sqrt(0.16 / len(g)))
        assert abs(g.mean() - 0.80) <= tolerance, (h, g.mean(), len(g))
    # and the 95% intervals are not too narrow
    inside95 = (bt["lo_95"] <= bt["actual"]) & (bt["actual"] <= bt["hi_95"])
    assert inside95.mean() >= 0.90


def test_calibration_files_are_reproduced_byte_for_byte(tmp_path):
    calibrate(tp.load_series(), folder=tmp_path)
    for name in (CALIBRATION_FILE, SCORES_FILE):
        assert (tmp_path / name).read_bytes() == (data_dir() / name).read_bytes(), (
            f"{name} differs from a fresh calibration: run `tpforecast calibrate` and commit")


def test_calibration_provenance():
    table = pd.read_csv(data_dir() / CALIBRATION_FILE)
    assert set(table["kind"]) == {"national", "regional"}
    assert (table.groupby("kind")["horizon"].apply(list) == [[1, 2, 3, 4, 5]] * 2).all()
    scores = load_calibration().scores
    counts = scores.groupby(["kind", "horizon"]).size()
    assert (table.set_index(["kind", "horizon"])["n_scores"] == counts).all()
    assert (table["min_train"] == 4).all() and (scores["n_train"] >= 4).all()
    assert (scores["cutoff"] < scores["year"]).all()
    assert (scores["horizon"] == scores["year"] - scores["cutoff"]).all()
    assert table["data_vintage"].iloc[0] == tp.load_series()["vintage"].max()


def test_a_broken_table_is_refused_with_file_line_and_column(tmp_path):
    text = (data_dir() / CALIBRATION_FILE).read_text().splitlines()
    cells = text[3].split(",")
    cells[2] = "0.1"  # q80 of national horizon 3 below horizon 2
    (tmp_path / CALIBRATION_FILE).write_text("\n".join([*text[:3], ",".join(cells),
                                                        *text[4:]]) + "\n")
    with pytest.raises(TpDataError, match="must not shrink") as err:
        read_table(tmp_path / CALIBRATION_FILE)
    assert err.value.line == 2 and err.value.column == "q80"
    cells[2] = "wide"
    (tmp_path / CALIBRATION_FILE).write_text("\n".join([*text[:3], ",".join(cells),
                                                        *text[4:]]) + "\n")
    with pytest.raises(TpDataError, match="not a number") as err:
        read_table(tmp_path / CALIBRATION_FILE)
    assert err.value.line == 4 and err.value.column == "q80"
