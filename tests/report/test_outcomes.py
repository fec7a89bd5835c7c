"""own_target_reachability, count_target_progress (women in Oost, Zwolle) and when_reached
on the bundled data."""

from __future__ import annotations

import pytest

import tpforecast as tp
from tpforecast.errors import MissingDataError, TpModelError, UnknownNameError
from tpforecast.report import (
    count_target_progress,
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
    assert set(a["target_kind"]) <= {"ambition", "goal"} and set(a["region"]) == {"NL"}
    havo = a.loc[(a["level"] == "havo") & (a["target_kind"] == "ambition")].iloc[0]
    assert havo["target"] == 0.55 and havo["observed"] == 0.40 and not havo["met"]
    # too short by 2015: kept as a row with its status, not dropped; judged on NaSk diplomas
    gl = a.loc[a["level"] == "vmbo_gl"].iloc[0]
    assert gl["status"] == "too_short" and gl["target"] == 0.40
    assert gl["indicator"] == "gl_diploma_nask" and "doel 4" in gl["target_source"]
    # mbo: the 40% goal and its own 30% ambition (doel 9), each with its source
    mbo = a.loc[a["level"] == "mbo"].set_index("target_kind")
    assert mbo.loc["ambition", "target"] == 0.30 and "doel 9" in mbo.loc["ambition",
                                                                         "target_source"]
    assert mbo.loc["goal", "target"] == 0.40


def test_own_targets_of_regions(bundled_series, bundled_targets):
    a = own_target_reachability(bundled_series, targets=bundled_targets, study=FAST,
                                region=["Oost", "Twente"])
    oost = a.loc[a["region"] == "Oost"]
    assert set(oost["level"]) == {"mbo", "hbo", "wo", "ho"} and (oost["target"] == 0.40).all()
    assert set(oost["indicator"]) <= set(role_indicators("regional_headline").values())
    # the Twente path is judged only on Twente's own index, never on the monitor
    twente = a.loc[a["region"] == "Twente"].sort_values("target_year")
    assert twente["indicator"].unique().tolist() == ["twente_index"]
    assert twente["target"].tolist() == [0.30, 0.35, 0.40]
    assert twente["target_kind"].tolist() == ["path", "path", "goal"]
    with pytest.raises(UnknownNameError, match="did you mean Oost"):
        own_target_reachability(bundled_series, targets=bundled_targets, region="Oos")
    with pytest.raises(MissingDataError) as info:  # Zeeland has no target of its own
        own_target_reachability(bundled_series, targets=bundled_targets, region="Zeeland")
    assert "Oost" in info.value.known and "Zeeland" not in info.value.known


def _monitor_tech(series, level, region, sex, year):
    """Technical entrants on the monitor's scale, computed here from first principles."""
    nl = series.loc[(series["region"] == "NL") & series["canonical"]
                    & (series["origin"] == "published") & (series["level"] == level)
                    & (series["sex"] == sex) & (series["year"] == year), "n_tech"]
    duo = series.loc[(series["indicator"] == role_indicators("duo_basis")[level])
                     & (series["level"] == level) & (series["sex"] == sex)
                     & (series["year"] == year)].set_index("region")["n_tech"]
    return float(nl.dropna().iloc[0]) * float(duo[region]) / float(duo["NL"])


def test_women_target_on_one_entrants_basis(bundled_series, bundled_targets):
    w = women_target_progress(bundled_series, targets=bundled_targets)
    assert w["level"].tolist() == ["mbo", "hbo", "wo", "pooled"]
    assert (w["region"] == "Oost").all() and (w["sex"] == "female").all()
    counts = {}
    for lv in ["mbo", "hbo", "wo"]:
        counts[lv] = (_monitor_tech(bundled_series, lv, "Oost", "female", 2015),
                      _monitor_tech(bundled_series, lv, "Oost", "female", 2019))
        r = w.loc[w["level"] == lv].iloc[0]
        assert (r["baseline_count"], r["count"]) == pytest.approx(counts[lv])
        assert r["ratio"] == pytest.approx(counts[lv][1] / counts[lv][0])
        assert r["met"] == (r["ratio"] >= 1.2) and "NL monitor x Oost/NL" in r["basis"]
    pooled = w.iloc[-1]
    assert pooled["ratio"] == pytest.approx(sum(c[1] for c in counts.values())
                                            / sum(c[0] for c in counts.values()))
    # mbo entrants: the national entrants x Oost's fraction of the participants
    assert "participants_not_entrants" in w.loc[w["level"] == "mbo", "note"].iloc[0]
    assert set(w.loc[w["level"].isin(["hbo", "wo"]), "indicator"]) == {"duo_ho_intake_programme"}
    with pytest.raises(TpModelError, match="growth_count"):
        women_target_progress(bundled_series,
                              targets=bundled_targets.loc[bundled_targets["kind"] != "growth_count"])


def test_count_targets_include_zwolle(bundled_series, bundled_targets):
    c = count_target_progress(bundled_series, targets=bundled_targets, region="Zwolle")
    assert c["level"].tolist() == ["mbo", "hbo", "pooled"]
    assert (c["target_ratio"] == 1.25).all() and (c["baseline_year"] == 2015).all()
    assert "techniekpact.nl/landsdelen/oost/zwolle" in c["target_source"].iloc[0]
    # institutions in the municipality of Zwolle (areas.csv), technical entrants on the
    # monitor's scale; the area's extent is assumed
    assert (c["status"] == "ok").all()
    for lv in ("mbo", "hbo"):
        r = c.loc[c["level"] == lv].iloc[0]
        assert r["baseline_count"] == pytest.approx(
            _monitor_tech(bundled_series, lv, "Zwolle", "all", 2015))
        assert "assumed_region_mapping" in r["note"] and r["met"] == (r["ratio"] >= 1.25)
    pooled = c.iloc[-1]
    assert pooled["ratio"] == pytest.approx(pooled["count"] / pooled["baseline_count"])


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
