"""Tests of tpforecast.validate: for every kind, a valid frame gives an empty result and a
broken one returns exactly the failing rows, each with the column and the check it failed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.data.validation import SCHEMAS, validate
from tpforecast.errors import TpDataError

EXTRA = ["failed_column", "failed_check", "failure_case"]


def why(result: pd.DataFrame) -> set[tuple[object, str, str]]:
    """``(index label, failed_column, failed_check)`` of every failing row (each once)."""
    reasons = list(zip(result.index, result["failed_column"], result["failed_check"],
                       strict=True))
    assert len(reasons) == len(set(reasons)), reasons
    return set(reasons)


def assert_valid(df: pd.DataFrame, kind: str) -> None:
    result = validate(df, kind)
    assert result.empty, result[EXTRA]
    assert list(result.columns) == [*df.columns, *EXTRA]


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return tp.load_series()


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return tp.load_figures()


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return tp.load_targets()


@pytest.fixture()
def synthetic_counts(tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "synthetic_counts.csv"
    path.write_text("PLAATSNAAM;MAN2019;VROUW2019\nZWOLLE;3;<5\nTIEL;;7\n", encoding="utf-8")
    return tp.read_duo(path)


def synthetic_forecast() -> pd.DataFrame:
    years = np.arange(2024, 2028)
    mean = np.array([0.30, 0.31, 0.32, 0.33])
    return pd.DataFrame({
        "indicator": "synthetic_indicator", "level": "havo", "region": "NL", "sex": "all",
        "model": "naive", "year": years, "mean": mean,
        "lo_80": mean - 0.02, "hi_80": mean + 0.02, "lo_95": mean - 0.04, "hi_95": mean + 0.04,
    })


def test_every_kind_is_tested() -> None:
    assert set(SCHEMAS) == {"figures", "series", "counts", "targets", "forecast"}


def test_unknown_kind_raises() -> None:
    with pytest.raises(TpDataError, match="unknown validation kind"):
        validate(pd.DataFrame(), "serie")


# -------------------------------------------------------------------------------- series


def test_series_valid(series: pd.DataFrame) -> None:
    assert_valid(series, "series")


def test_series_broken_rows(series: pd.DataFrame) -> None:
    broken = series.head(8).copy()
    labels = broken.index
    broken.loc[labels[1], "share"] = 1.5
    broken.loc[labels[2], "sex"] = "girls"
    broken.loc[labels[3], "flags"] = "reported;shiny"
    broken.loc[labels[4], ["n_tech", "n_total"]] = [12, 10]
    broken.loc[labels[5], "origin"] = "guess"
    broken.loc[labels[6], "flags"] = "reported;derived"  # not sorted
    result = validate(broken, "series")
    assert why(result) == {
        (labels[1], "share", "in_range(0.0, 1.0)"),
        (labels[2], "sex", "isin(['all', 'female', 'male'])"),
        (labels[3], "flags", "known sorted flag tokens"),
        (labels[4], "", "n_tech <= n_total"),
        (labels[5], "origin", "isin(['published', 'duo'])"),
        (labels[6], "flags", "known sorted flag tokens"),
    }
    assert result.loc[labels[1], "failure_case"] == 1.5
    # the failing rows are the rows of the input, unchanged
    pd.testing.assert_frame_equal(result.drop(columns=EXTRA).sort_index(),
                                  broken.loc[sorted(set(result.index))])


def test_series_share_outside_its_bounds(series: pd.DataFrame) -> None:
    broken = series[series["share_lo"].notna()].head(3).copy()
    label = broken.index[0]
    broken.loc[label, "share_hi"] = broken.loc[label, "share"] - 0.01
    assert why(validate(broken, "series")) == {(label, "", "share_lo <= share <= share_hi")}


def test_series_duplicate_key_even_with_a_duplicated_index(series: pd.DataFrame) -> None:
    head = series.head(3)
    broken = pd.concat([head, head.iloc[[0]]])  # index label 0 now appears twice
    result = validate(broken, "series")
    assert len(result) == 2
    assert set(result["failed_check"]) == {"multiple_fields_uniqueness"}
    pd.testing.assert_frame_equal(result.drop(columns=EXTRA), head.iloc[[0, 0]])


def test_series_missing_column(series: pd.DataFrame) -> None:
    result = validate(series.head(3).drop(columns="flags"), "series")
    assert result["failed_column"].tolist() == ["flags"]
    assert result["failed_check"].tolist() == ["column is missing"]


# ------------------------------------------------------------------------------- figures


def test_figures_valid(figures: pd.DataFrame) -> None:
    assert_valid(figures, "figures")


def test_figures_broken_rows(figures: pd.DataFrame) -> None:
    broken = figures.head(6).copy()
    broken.loc[1, "value"] = 150.0  # unit pct
    broken.loc[2, "measure"] = "ratio"
    broken.loc[3, "value"] = -1.0
    broken.loc[4, "quality"] = "guessed"
    assert broken.loc[1, "unit"] == "pct"
    assert why(validate(broken, "figures")) == {
        (1, "", "percentages <= 100"),
        (2, "measure", "known measure"),
        (2, "", "unit fits the measure"),  # no unit fits an unknown measure
        (3, "value", "greater_than_or_equal_to(0)"),
        (4, "quality", "known quality"),
    }


# -------------------------------------------------------------------------------- counts


def test_counts_valid(synthetic_counts: pd.DataFrame) -> None:
    assert synthetic_counts["suppressed"].any()
    assert_valid(synthetic_counts, "counts")


def test_counts_broken_rows(synthetic_counts: pd.DataFrame) -> None:
    broken = synthetic_counts.copy()
    assert broken["suppressed"].tolist() == [False, True, False, False]
    broken.loc[0, "n_hi"] = 2  # n = 3 outside its own bounds
    broken.loc[1, "n_lo"] = 0  # a suppressed '<5' hides at least 1
    broken.loc[2, "sex"] = "x"
    broken.loc[3, "suppressed"] = True  # n known but marked suppressed
    assert why(validate(broken, "counts")) == {
        (0, "", "n_lo <= n <= n_hi"),
        (1, "", "n_lo <= n <= n_hi"),
        (2, "sex", "isin(['all', 'female', 'male', 'unknown'])"),
        (3, "", "n missing iff suppressed"),
    }


def test_counts_negative_count(synthetic_counts: pd.DataFrame) -> None:
    broken = synthetic_counts.copy()
    broken.loc[2, ["n", "n_lo", "n_hi"]] = -1
    assert why(validate(broken, "counts")) == {
        (2, "n", "greater_than_or_equal_to(0)"),
        (2, "n_lo", "greater_than_or_equal_to(0)"),
        (2, "n_hi", "greater_than_or_equal_to(0)"),
    }


# ------------------------------------------------------------------------------- targets


def test_targets_valid(targets: pd.DataFrame) -> None:
    assert_valid(targets, "targets")


def test_targets_broken_rows(targets: pd.DataFrame) -> None:
    broken = targets.copy()
    broken.loc[0, "target"] = 40.0  # a percentage, not a fraction
    broken.loc[2, "kind"] = "wish"
    broken.loc[3, "source"] = ""
    assert why(validate(broken, "targets")) == {
        (0, "", "share targets are fractions in (0, 1)"),
        (2, "kind", "isin(['goal', 'ambition', 'path', 'growth_count'])"),
        (3, "source", "not_empty"),
    }


# ------------------------------------------------------------------------------ forecast


def test_forecast_valid() -> None:
    assert_valid(synthetic_forecast(), "forecast")


def test_forecast_broken_rows() -> None:
    broken = synthetic_forecast()
    broken.loc[1, "lo_80"] = broken.loc[1, "mean"] + 0.01  # band above the mean
    broken.loc[2, "hi_95"] = 1.2
    assert why(validate(broken, "forecast")) == {
        (1, "", "lo <= mean <= hi"),
        (2, "hi_95", "in_range(0.0, 1.0)"),
    }
