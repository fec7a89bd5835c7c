"""women_shares and share_change_decomposition: the exact shift-share split of a share change
into more or fewer technical entrants and more or fewer entrants overall."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import synthetic_frame

from tpforecast.errors import MissingDataError, UnknownNameError
from tpforecast.forecasting.selection import role_indicators
from tpforecast.report import share_change_decomposition, women_shares


def _synthetic_basis(n_tech: list[int], n_total: list[int], *, level: str = "hbo",
                     flags: list[str] | None = None) -> pd.DataFrame:
    years = list(range(2015, 2015 + len(n_tech)))
    return synthetic_frame(years, [t / n for t, n in zip(n_tech, n_total, strict=True)],
                           level=level, indicator=role_indicators("duo_basis")[level],
                           region="Oost", sex="female", origin="duo", canonical=False,
                           n_tech=n_tech, n_total=n_total, flags=flags or [""] * len(years))


def test_more_technical_entrants_only():
    d = share_change_decomposition(_synthetic_basis([100, 120], [1000, 1000]), region="Oost")
    r = d.iloc[0]
    assert r["change_pp"] == pytest.approx(2.0) and r["technical_pp"] == pytest.approx(2.0)
    assert r["overall_pp"] == pytest.approx(0.0) and bool(r["comparable"])


def test_more_entrants_overall_only():
    d = share_change_decomposition(_synthetic_basis([100, 100], [1000, 1250]), region="Oost")
    r = d.iloc[0]
    assert r["technical_pp"] == pytest.approx(0.0) and r["overall_pp"] == pytest.approx(-2.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 5000)), min_size=2, max_size=6))
def test_the_split_adds_up_exactly(pairs):
    n_tech = [min(t, n) for t, n in pairs]
    n_total = [n for _, n in pairs]
    d = share_change_decomposition(_synthetic_basis(n_tech, n_total), region="Oost")
    assert len(d) == len(pairs) - 1
    np.testing.assert_allclose(d["technical_pp"] + d["overall_pp"], d["change_pp"],
                               atol=1e-9)
    np.testing.assert_allclose(d["change_pp"], 100 * np.diff(np.array(n_tech) / n_total),
                               atol=1e-9)


def test_years_and_a_definition_break():
    s = _synthetic_basis([100, 110, 130, 90], [1000, 1000, 1100, 800],
                         flags=["pre_break:x"] * 2 + [""] * 2)
    whole = share_change_decomposition(s, region="Oost", years=[2015, 2018])
    assert whole[["year_from", "year_to"]].values.tolist() == [[2015, 2018]]
    steps = share_change_decomposition(s, region="Oost")
    assert steps["comparable"].tolist() == [True, False, True]
    assert "definition break x" in steps["note"].iloc[1]


def test_women_in_oost_on_the_bundled_data(bundled_series):
    w = women_shares(bundled_series, region="Oost", levels=["mbo", "hbo", "wo", "havo"])
    assert set(w["sex"]) == {"female"} and set(w["region"]) == {"Oost"}
    # the share is girls choosing technique among all girls, from the counts
    np.testing.assert_allclose(w["share"], w["n_tech"] / w["n_total"])
    mbo = w.loc[w["level"] == "mbo"]
    assert mbo["trend_pp_per_year"].nunique() == 1 and mbo["trend_pp_per_year"].iloc[0] < 0
    assert "participants_not_entrants" in mbo["note"].iloc[0]
    assert "exam_candidates_proxy" in w.loc[w["level"] == "havo", "note"].iloc[0]
    d = share_change_decomposition(bundled_series, region=["Oost", "Overijssel"],
                                   levels=["mbo", "hbo", "wo"], years=[2015, 2019])
    assert len(d) == 6
    np.testing.assert_allclose(d["technical_pp"] + d["overall_pp"], d["change_pp"], atol=1e-9)
    mbo_oost = d.loc[(d["level"] == "mbo") & (d["region"] == "Oost")].iloc[0]
    # more girls in mbo overall, slightly fewer in technique: both pull the share down
    assert mbo_oost["technical_pp"] < 0 and mbo_oost["overall_pp"] < 0


def test_bad_region_level_or_sex(bundled_series):
    with pytest.raises(UnknownNameError, match="did you mean Gelderland"):
        women_shares(bundled_series, region="Gelderlnd")
    with pytest.raises(MissingDataError, match="no data for region 'Twente'"):
        women_shares(bundled_series, region="Twente")  # no DUO counts for an area
    with pytest.raises(MissingDataError, match="sex"):
        women_shares(bundled_series, region="Oost", sex="unknown")
