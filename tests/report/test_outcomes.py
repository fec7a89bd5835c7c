"""own_target_reachability, women_target_progress and when_reached on the bundled data."""

from __future__ import annotations

import pytest

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.report import (
    own_target_reachability,
    role_indicators,
    when_lines,
    when_reached,
    women_target_progress,
)
from tpforecast.study import DEFAULT_STUDY

FAST = DEFAULT_STUDY.replace(n_paths=300)


def test_own_target_reachability(bundled_series, bundled_targets):
    a = own_target_reachability(bundled_series, targets=bundled_targets, study=FAST)
    assert set(a["target_kind"]) <= {"ambition", "goal"}
    havo = a.loc[(a["level"] == "havo") & (a["target_kind"] == "ambition")].iloc[0]
    assert havo["target"] == 0.55 and havo["observed"] == 0.40 and not havo["met"]
    # too short by 2015: kept as a row with its status, not dropped
    gl = a.loc[a["level"] == "vmbo_gl"].iloc[0]
    assert gl["status"] == "too_short" and gl["target"] == 0.40


def test_women_target_progress_ratios_equal_count_ratios(bundled_series, bundled_targets):
    w = women_target_progress(bundled_series, targets=bundled_targets)
    assert w["level"].tolist() == ["mbo", "hbo", "wo", "pooled"]
    oost_f = bundled_series.loc[(bundled_series["region"] == "Oost")
                                & (bundled_series["sex"] == "female")
                                & (bundled_series["origin"] == "duo")]
    counts = {}
    for lv in ["mbo", "hbo", "wo"]:
        rows = oost_f.loc[(oost_f["level"] == lv)
                          & (oost_f["indicator"] == role_indicators("duo_basis")[lv])].set_index("year")["n_tech"]
        counts[lv] = (int(rows.loc[2015]), int(rows.loc[2019]))
        r = w.loc[w["level"] == lv].iloc[0]
        assert (r["baseline_count"], r["count"]) == counts[lv]
        assert r["ratio"] == counts[lv][1] / counts[lv][0] and r["met"] == (r["ratio"] >= 1.2)
    pooled = w.iloc[-1]
    assert pooled["ratio"] == sum(c[1] for c in counts.values()) / pooled["baseline_count"]
    assert "participants_not_entrants" in w.loc[w["level"] == "mbo", "note"].iloc[0]
    # hbo and wo are counted as bachelor entrants on the monitor's programme list
    assert set(w.loc[w["level"].isin(["hbo", "wo"]), "indicator"]) == {"duo_ho_intake_programme"}
    with pytest.raises(TpModelError, match="growth_count"):
        women_target_progress(bundled_series,
                              targets=bundled_targets.loc[bundled_targets["kind"] != "growth_count"])


def test_when_reached(bundled_series, bundled_targets):
    h = tp.drop_short_series(tp.headline_series(bundled_series, levels=["mbo", "vwo", "havo"]))
    w = when_reached(h, targets=bundled_targets, study=FAST)
    study = w.loc[w["goal"] == "study"].set_index("level")
    own = w.loc[w["goal"] == "own"].set_index("level")
    assert study.loc["vwo", "at_target_since"] == 2005 and own.loc["havo", "target"] == 0.55
    assert study.loc["havo", "last_year_at_target"] == 2019
    lines = when_lines(w).splitlines()
    assert lines[0].startswith("havo: now 37% (2023/24); 40% reached: ")
    assert "vwo: now 60% (2023/24); 40% reached: already (since 2005)" in lines[-1]
    assert any(line.startswith("mbo:") and "not by 2040" in line for line in lines)
