"""tpforecast.report.analysis: the computations behind the notebooks and the report."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.paths import data_dir
from tpforecast.report import analysis as an


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return tp.load_series()


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return tp.load_targets()


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return pd.read_csv(data_dir() / "processed" / "clean_log.csv")


@pytest.fixture(scope="module")
def headline(series, targets) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the table must not warn
        return an.headline_table(series, targets, n_paths=500)


def synthetic_series(years, shares, *, level="mbo", indicator="synthetic_ind", n_tech=None,
                     n_total=None, flags="") -> pd.DataFrame:
    n = len(years)
    return pd.DataFrame({
        "indicator": indicator, "level": level, "region": "NL", "sex": "all",
        "year": pd.array(years, dtype="Int64"), "share": pd.array(shares, dtype="Float64"),
        "n_tech": pd.array(n_tech if n_tech is not None else [None] * n, dtype="Int64"),
        "n_total": pd.array(n_total if n_total is not None else [None] * n, dtype="Int64"),
        "origin": "published", "canonical": True, "flags": flags, "source": "synthetic",
        "edition": "synthetic",
    })


# -- data -------------------------------------------------------------------------------------


def test_summarize_clean_log_counts_every_entry(log):
    s = an.summarize_clean_log(log)
    assert list(s.columns) == ["step", "action", "entries", "rows", "first_reason"]
    assert s["entries"].sum() == len(log)
    assert s["rows"].sum() == log["rows"].sum()
    assert not s.duplicated(["step", "action"]).any()
    assert s["first_reason"].str.len().max() <= 140
    with pytest.raises(TpModelError, match="not a clean log"):
        an.summarize_clean_log(pd.DataFrame({"x": [1]}))


def test_edition_conflicts_parse_the_resolve_rows(log):
    e = an.edition_conflicts(log)
    assert len(e) == int((log["step"] == "resolve").sum())
    row = e.loc[(e["level"] == "hbo") & (e["sex"] == "all") & (e["school_year"] == "2014/15")]
    assert row["kept"].iloc[0] == "22212" and row["superseded"].iloc[0] == "22208"
    assert set(an.edition_conflicts(log, "havo4_nprofile")["indicator"]) == {"havo4_nprofile"}


def test_headline_series_is_canonical_national_and_ordered(series):
    h = an.headline_series(series)
    assert h["canonical"].all() and (h["origin"] == "published").all()
    assert set(h["region"]) == {"NL"} and set(h["sex"]) == {"all"}
    assert h["share"].notna().all()
    order = [lv for lv in an.HEADLINE_LEVELS if lv in set(h["level"])]
    assert list(pd.unique(h["level"])) == order
    assert h.groupby("level")["indicator"].nunique().max() == 1


def test_series_provenance_counts(series):
    h = an.headline_series(series)
    p = an.series_provenance(h)
    havo = p.loc[p["level"] == "havo"].iloc[0]
    rows = h.loc[h["level"] == "havo"]
    assert havo["n_share"] == len(rows)
    assert havo["first_year"] == rows["year"].min() and havo["last_year"] == rows["year"].max()
    assert havo["n_sources"] == rows["source"].nunique()
    bb = p.loc[p["level"] == "vmbo_bb"].iloc[0]
    assert bb["breaks"] == "vmbo_profile_reform_2016"


def test_fill_implied_totals():
    s = synthetic_series([2014, 2015, 2016], [0.25, 0.20, None], n_tech=[100, 50, 60],
                         n_total=[None, 240, None], flags=["reported", "", "reported"])
    out = an.fill_implied_totals(s)
    assert out["n_total"].tolist() == [400, 240, pd.NA]  # 2nd kept, 3rd has no share
    assert out["flags"].iloc[0] == "n_total_from_share;reported"
    assert out.attrs["filled"] == 1
    assert s["n_total"].isna().sum() == 2  # input unchanged


def test_drop_short_series_respects_as_of():
    a = synthetic_series([2010, 2012, 2014, 2016], [0.2, 0.21, 0.22, 0.23], indicator="a")
    b = synthetic_series([2010, 2016, 2017], [0.3, 0.31, 0.32], indicator="b")
    both = pd.concat([a, b], ignore_index=True)
    assert set(an.drop_short_series(both, 3)["indicator"]) == {"a", "b"}
    kept = an.drop_short_series(both, 3, as_of=2015)
    assert set(kept["indicator"]) == {"a"}
    assert len(kept) == 4  # all rows of a kept series, also after as_of
    assert kept.attrs["dropped"] == ["b/mbo/NL/all (1 shares)"]


def test_implied_entrants(series):
    e = an.implied_entrants(series, ["mbo", "hbo", "wo"], as_of=2015)
    hbo = e.loc[e["level"] == "hbo"].iloc[0]
    assert hbo["year"] == 2015 and hbo["method"] == "n_tech / share"
    assert hbo["n_total"] == round(21782 / 0.22)
    assert (e["year"] <= 2015).all()
    with pytest.raises(TpModelError, match="no pupil count"):
        an.implied_entrants(series, ["vmbo_gltl"], as_of=2015)


# -- models -----------------------------------------------------------------------------------


def test_model_diagnostics_on_a_random_walk():
    rng = np.random.default_rng(3)
    x = 0.3 + np.cumsum(rng.normal(0, 0.01, 14))
    s = synthetic_series(list(range(2008, 2022)), np.round(x, 3).tolist())
    d = an.model_diagnostics(s, "naive", min_train=4)
    row = d.iloc[0]
    assert row["n_obs"] == 14 and row["n_errors"] == 10
    errs = d.attrs["errors"]
    assert len(errs) == 10 and (errs["horizon"] == 1).all()
    assert math.isclose(row["mean_error_pp"], 100 * errs["error"].mean())
    assert 0 <= row["coverage_80"] <= row["coverage_95"] <= 1
    assert 0 <= row["ljung_box_p"] <= 1 and -1 <= row["acf1"] <= 1
    assert d.iloc[-1]["level"] == "all (pooled)"


def test_model_diagnostics_default_model_on_headline(series):
    h = an.drop_short_series(an.headline_series(series), 3)
    d = an.model_diagnostics(h)
    pooled = d.iloc[-1]
    assert pooled["n_errors"] == d.iloc[:-1]["n_errors"].sum()
    assert 0.7 <= pooled["coverage_80"] <= 1.0


def test_hindcast_table_is_quiet_and_summary_consistent(series):
    h = an.headline_series(series)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hc = an.hindcast_table(h, models=["naive", "drift"])
    assert hc.attrs["warnings"]  # short series were skipped, recorded not printed
    assert set(hc["year"]) <= {2019, 2020}
    s = an.hindcast_summary(hc)
    naive20 = s.loc[(s["model"] == "naive") & (s["year"] == 2020)].iloc[0]
    rows = hc.loc[(hc["model"] == "naive") & (hc["year"] == 2020) & hc["actual"].notna()]
    assert naive20["n"] == len(rows)
    assert math.isclose(naive20["mean_abs_error_pp"], rows["error_pp"].abs().mean())


# -- targets ----------------------------------------------------------------------------------


def test_headline_table_columns_and_levels(headline):
    cols = ["level", "indicator", "last_year", "last_share", "p_reach_2020_as_of_2016",
            "observed_2019", "observed_2020", "required_pp_per_year_from_2016",
            "expected_year_40pct", "expected_year_40pct_lo", "expected_year_40pct_hi", "note"]
    assert all(c in headline.columns for c in cols)
    assert headline["level"].tolist() == list(an.HEADLINE_LEVELS)


def test_headline_table_values(headline, series):
    h = headline.set_index("level")
    p = h["p_reach_2020_as_of_2016"].dropna()
    assert ((p >= 0) & (p <= 1)).all() and len(p) >= 7
    assert h["last_share"].between(0, 1).all()
    canon = an.headline_series(series)
    for lv in ["havo", "vwo", "mbo", "hbo", "wo"]:
        rows = canon.loc[canon["level"] == lv].set_index("year")["share"]
        assert h.loc[lv, "observed_2019"] == rows.loc[2019]
        assert h.loc[lv, "last_year"] == rows.index.max()
        assert h.loc[lv, "last_share"] == rows.loc[rows.index.max()]
    assert pd.isna(h.loc["vmbo_bb", "observed_2020"])  # not published
    # too short: NA with a note
    for lv in ["vmbo_gltl", "havo_vwo"]:
        assert pd.isna(h.loc[lv, "p_reach_2020_as_of_2016"])
        assert "too few" in h.loc[lv, "note"]
    # the intake levels were far from 40% in 2016; vwo far above
    assert h.loc["mbo", "p_reach_2020_as_of_2016"] < 0.05
    assert h.loc["vwo", "p_reach_2020_as_of_2016"] > 0.95
    assert h.loc["mbo", "required_pp_per_year_from_2016"] > 0
    assert h.loc["vwo", "required_pp_per_year_from_2016"] < 0
    assert h.loc["vwo", "expected_year_40pct"] == 2005  # at or above 40% since 2005/06


def test_headline_table_required_matches_library(headline, series):
    from tpforecast.scenarios import required_acceleration

    wo = an.headline_series(series, ["wo"])
    r = required_acceleration(wo, 0.40, 2020, 2016, n_paths=500)
    assert math.isclose(float(r["required_pp_per_year"].iloc[0]),
                        float(headline.set_index("level").loc["wo",
                                                             "required_pp_per_year_from_2016"]))


def test_headline_table_missing_level(series):
    t = an.headline_table(series, levels=["havo", "nonexistent_level"], n_paths=200)
    assert t["note"].iloc[1] == "no canonical national series with shares"
    assert pd.isna(t["last_share"].iloc[1])


def test_combined_reachability(series):
    c = an.combined_reachability(series, n_paths=500).iloc[0]
    w = dict(kv.split("=") for kv in c["weights"].split(";"))
    assert math.isclose(sum(float(v) for v in w.values()), 1.0, abs_tol=0.002)
    assert 0 <= c["p_reach"] <= 0.05
    h = an.headline_series(series, ["mbo", "hbo", "wo"]).set_index(["level", "year"])["share"]
    ent = an.implied_entrants(series, ["mbo", "hbo", "wo"], 2015).set_index("level")["n_total"]
    expected = sum(ent[lv] * h.loc[(lv, 2019)] for lv in ent.index) / ent.sum()
    assert math.isclose(c["observed_2019"], expected)
    assert "n_tech / share" in c["weights_source"]


def test_own_target_reachability(series, targets):
    a = an.own_target_reachability(series, targets, n_paths=300)
    assert set(a["target_kind"]) <= {"ambition", "goal"}
    havo = a.loc[(a["level"] == "havo") & (a["target_kind"] == "ambition")].iloc[0]
    assert havo["target"] == 0.55 and havo["observed"] == 0.40 and not havo["met"]
    assert not any("doorstroom" in d for d in a.attrs["dropped"])


def test_women_target_progress_ratios_equal_count_ratios(series, targets):
    w = an.women_target_progress(series, targets)
    assert w["level"].tolist() == ["mbo", "hbo", "wo", "pooled"]
    oost_f = series.loc[(series["region"] == "Oost") & (series["sex"] == "female")
                        & (series["origin"] == "duo")]
    counts = {}
    for lv in ["mbo", "hbo", "wo"]:
        rows = oost_f.loc[oost_f["level"] == lv].set_index("year")["n_tech"]
        counts[lv] = (int(rows.loc[2015]), int(rows.loc[2019]))
        r = w.loc[w["level"] == lv].iloc[0]
        assert (r["baseline_count"], r["count"]) == counts[lv]
        assert r["ratio"] == counts[lv][1] / counts[lv][0]
        assert r["met"] == (r["ratio"] >= 1.2)
    pooled = w.iloc[-1]
    assert pooled["baseline_count"] == sum(c[0] for c in counts.values())
    assert pooled["ratio"] == sum(c[1] for c in counts.values()) / pooled["baseline_count"]
    assert (w["target_ratio"] == 1.2).all()
    assert "participants_not_entrants" in w.loc[w["level"] == "mbo", "note"].iloc[0]


def test_women_target_progress_needs_growth_rows(series, targets):
    with pytest.raises(TpModelError, match="growth_count"):
        an.women_target_progress(series, targets.loc[targets["kind"] != "growth_count"])


def test_when_reached(series, targets):
    h = an.drop_short_series(an.headline_series(series, ["mbo", "vwo", "havo"]), 3)
    w = an.when_reached(h, targets, n_paths=500).set_index("level")
    assert w.loc["vwo", "year_40"] == 2005 and w.loc["vwo", "reach_40"] == "already (since 2005)"
    assert w.loc["mbo", "reach_40"].startswith("not by 2040")
    assert w.loc["havo", "own_target"] == 0.55
    assert "below it since" in w.loc["havo", "note"]


# -- regions ----------------------------------------------------------------------------------


def test_regional_comparison(series):
    rc = an.regional_comparison(series, ["mbo", "wo"])
    assert list(pd.unique(rc["region"])) == list(an.OOST_REGIONS)
    assert (rc.loc[rc["region"] == "NL", "diff_pp"] == 0).all()
    row = rc.loc[(rc["level"] == "wo") & (rc["region"] == "Overijssel") & (rc["year"] == 2019)]
    nl = rc.loc[(rc["level"] == "wo") & (rc["region"] == "NL") & (rc["year"] == 2019)]
    assert math.isclose(row["diff_pp"].iloc[0],
                        100 * (row["share"].iloc[0] - nl["share"].iloc[0]))
    assert rc["flags"].str.contains("institution_location").all()
    with pytest.raises(TpModelError, match="reference"):
        an.regional_comparison(series, regions=["Oost"])


# -- text and figures -------------------------------------------------------------------------


def test_format_year_range():
    assert an.format_year_range(2031, 2027, 2038) == "2031 (2027-2038)"
    assert an.format_year_range(2031, 2027, pd.NA) == "2031 (2027 to after 2040)"
    assert an.format_year_range(pd.NA, 2030, pd.NA) == "not by 2040 (10% chance by 2030)"
    assert an.format_year_range(pd.NA, pd.NA, pd.NA) == "not by 2040"
    assert an.format_year_range(2016, 2016, 2016) == "2016"
    assert an.format_year_range(2005, 2005, 2005, already=True) == "already (since 2005)"


def test_percent_columns():
    df = pd.DataFrame({"a": [0.4, None], "b": [1.25, -0.5]})
    out = an.percent_columns(df, ["a"], points=["b"])
    assert out["a"].tolist() == ["40%", "-"] and out["b"].tolist() == ["+1.2", "-0.5"]


def test_show_renders_png_and_closes():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("a title")
    img = an.show(ax)
    assert img._repr_png_().startswith(b"\x89PNG")
    assert repr(img) == "[figure: a title]"
    assert not plt.fignum_exists(fig.number)
    fig2 = plt.figure(figsize=(3, 2))
    fig2.suptitle("super")
    fig2.add_subplot().set_title("panel")
    assert repr(an.show(fig2)) == "[figure: super]"
