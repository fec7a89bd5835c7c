"""Nothing is left out silently (issue 9): every runner that has no result for a series says
so in a row (``status``, ``reason``) and in one SkippedSeriesWarning; a run without any result
is an error that names what exists."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from synthetic import synthetic_frame, synthetic_levels, synthetic_targets

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.forecasting.series import SkippedSeriesWarning, skipped_summary

SERIES = synthetic_levels()
SHORT = synthetic_frame([2020, 2021], [0.30, 0.31], indicator="synthetic_short")


def test_reachability_names_series_without_a_target():
    """The issue's ``reach --targets --level mbo,havo --region Overijssel``: havo has no
    target there and was dropped without a message."""
    targets = synthetic_targets()
    targets = targets.loc[targets["level"] != "vwo"]
    with pytest.warns(SkippedSeriesWarning, match=r"reachability: 2 of 4 series have rows "
                                                  r"without a result: no_target \(2\): "
                                                  r"synthetic_mbo/mbo/Overijssel/all, "
                                                  r"synthetic_vwo/vwo/NL/all"):
        out = tp.reachability(SERIES, target=targets, models="drift", n_paths=100)
    vwo = out.loc[out["level"] == "vwo"]
    assert vwo["status"].tolist() == ["no_target"] and vwo["reason"].str.len().gt(0).all()


def test_reachability_without_any_target_names_what_the_targets_cover():
    targets = synthetic_targets()
    only_vwo = SERIES.loc[SERIES["level"] == "vwo"]
    targets = targets.loc[targets["level"] != "vwo"]
    with pytest.raises(TpModelError, match=r"no target applies to the selected series "
                                           r"\(synthetic_vwo/vwo/NL/all\); the targets cover: "
                                           r"havo"):
        tp.reachability(only_vwo, target=targets, models="drift", n_paths=100)


def test_forecast_names_too_short_series():
    both = pd.concat([SERIES, SHORT], ignore_index=True)
    with pytest.warns(SkippedSeriesWarning, match=r"forecast: 1 of 5 series .* too_short "
                                                  r"\(1\): synthetic_short/mbo/NL/all"):
        out = tp.forecast(both, models="drift", until=2026)
    short = out.loc[out["indicator"] == "synthetic_short"]
    assert short["status"].tolist() == ["too_short"] and short["year"].isna().all()


def test_a_complete_result_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = tp.forecast(SERIES, models="drift", until=2026)
    assert set(out["status"]) == {"ok"}


def test_backtest_rows_for_series_too_short_for_a_window():
    """A series with no more than ``min_train`` observations used to vanish from the backtest."""
    both = pd.concat([SERIES, SHORT], ignore_index=True)
    with pytest.warns(SkippedSeriesWarning, match=r"backtest: 1 of 5 series .* too_short"):
        bt = tp.backtest(both, models="naive", horizons=[1], min_train=6)
    short = bt.loc[bt["indicator"] == "synthetic_short"]
    assert short["status"].tolist() == ["too_short"]
    assert "2 observations" in short["reason"].iloc[0]
    assert (bt.loc[bt["indicator"] != "synthetic_short", "status"] == "ok").all()
    assert tp.score(bt)["n"].sum() == (bt["status"] == "ok").sum()


def test_backtest_with_nothing_to_test_names_the_longest_series():
    """The issue's ``backtest --min-train 100``: only a header was printed."""
    with pytest.raises(TpModelError, match=r"no forecast to test with min_train=100 .* the "
                                           r"longest series, synthetic_havo/havo/NL/all, has 16 "
                                           r"observations \(2008-2023\)"):
        tp.backtest(SERIES, models="naive", min_train=100)


def test_the_summary_counts_series_and_shows_a_few_names():
    rows = pd.DataFrame({"indicator": [f"i{k}" for k in range(7)], "level": "mbo",
                         "region": "NL", "sex": "all",
                         "status": ["ok", *["no_target"] * 6]})
    text = skipped_summary(rows)
    assert text.startswith("6 of 7 series have rows without a result: no_target (6): "
                           "i1/mbo/NL/all, i2/mbo/NL/all, i3/mbo/NL/all, i4/mbo/NL/all "
                           "and 2 more")
    assert skipped_summary(rows.iloc[:1]) is None
