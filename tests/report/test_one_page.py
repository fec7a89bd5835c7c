"""The one-page summary for a deputy (English and Dutch), its numbers and the workbook."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.errors import TpError
from tpforecast.report.one_page import count_text, markdown_html, one_page_markdown
from tpforecast.report.summary import level_parts, summary_tables
from tpforecast.report.workbook import write_workbook

STUDY = tp.load_study().replace(n_paths=200)


@pytest.fixture(scope="module", params=["Oost", "NL"])
def tables(request):
    return summary_tables(tp.load_series(), region=request.param, study=STUDY)


def _numbers(text: str, lang: str) -> list[str]:
    """Every number of a page, written the English way (thousands without separator)."""
    found = re.findall(r"[<>]?\d[\d.,]*\d%?|[<>]?\d%?", text)
    if lang == "nl":
        found = [re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", n).replace(",", ".") for n in found]
    else:
        found = [n.replace(",", "") for n in found]
    return sorted(found)


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_dutch_and_english_pages_carry_the_same_numbers(tables):
    en = one_page_markdown(tables, lang="en", study=STUDY)
    nl = one_page_markdown(tables, lang="nl", study=STUDY)
    assert _numbers(en, "en") == _numbers(nl, "nl")
    assert len(_numbers(en, "en")) > 30
    assert en != nl


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_dutch_page_is_plain_dutch_with_the_caveats(tables):
    nl = one_page_markdown(tables, lang="nl", study=STUDY)
    region = tables["levels"]["region"].iloc[0]
    assert "# Techniek in " in nl and "4 op de 10" in nl and "schooljaar 2020/21" in nl
    assert "procentpunt" in nl and "kans" in nl
    assert "waar hun school of instelling staat, niet waar ze wonen" in nl
    assert "de andere landsdelen zijn een aangenomen indeling van provincies" in nl
    # one sentence per level with data, each saying where it stands
    with_data = tables["levels"].loc[tables["levels"]["verdict"] != "no_data"]
    assert nl.count(" staat op ") == len(with_data)
    # thousands with a dot, decimals with a comma
    students = tables["combined_facts"]["extra_students"].iloc[0]
    assert count_text(students, lang="nl") in nl
    assert re.search(r"\d,\d procentpunt", nl)
    assert not re.search(r"\d\.\d procentpunt", nl)
    if region != "NL":
        assert "achteraf gerekend" in nl.lower()  # the regional series start after 2016


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_the_page_states_the_tables_numbers():
    t = summary_tables(tp.load_series(), region="Oost", study=STUDY)
    c = t["combined_facts"].iloc[0]
    en = one_page_markdown(t, lang="en", study=STUDY)
    assert f"{100 * c['observed']:.0f}% of the entrants" in en
    assert c["basis"] == "afterwards" and pd.isna(c["p_then"])  # Oost has no series by 2015
    assert f"about {c['extra_pp_per_year']:.1f} percentage points" in en
    mbo = t["levels"].set_index("level").loc["mbo"]
    assert f"**mbo** stands at {100 * mbo['last_share']:.0f}%" in en


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_the_target_year_is_a_fact_where_observed_and_a_floored_probability_where_not(tables):
    c = tables["combined_facts"].iloc[0]
    en = one_page_markdown(tables, lang="en", study=STUDY)
    nl = one_page_markdown(tables, lang="nl", study=STUDY)
    if c["now_status"] == "observed":  # NL: 2020/21 is known for mbo, hbo and wo
        assert "The goal was not reached." in en and "Het doel is niet gehaald." in nl
        assert "With today's data it is" not in en
    else:  # Oost: mbo and wo end in 2019/20, so 2020/21 is a model's probability
        assert "is not known for all three levels" in en
        assert "niet voor alle drie niveaus bekend" in nl
    # a share of simulated paths is never written as a certainty
    assert not re.search(r"(probability|kans)[^.;]*\b(0|100)%", en + nl)


@pytest.mark.slow  # real data: make test, not the fast lane
def test_gl_and_tl_are_judged_on_the_series_their_ambition_is_set_on():
    series, targets = tp.load_series(), tp.load_targets()
    parts = level_parts(series, targets=targets, region="NL").set_index("part")
    assert list(parts.index) == ["vmbo_gl", "vmbo_tl"]
    assert set(parts["indicator"]) == {"gl_diploma_nask", "tl_diploma_nask"}
    assert (parts["level"] == "vmbo_gltl").all() and (parts["goal"] == 0.40).all()
    for part, row in parts.iterrows():
        g = series.loc[(series["indicator"] == row["indicator"]) & (series["level"] == part)
                       & (series["region"] == "NL") & (series["sex"] == "all")
                       & series["share"].notna()].sort_values("year")
        at = g.loc[g["share"] >= 0.40, "year"]
        assert row["last_share"] == g["share"].iloc[-1]
        assert row["first_at_goal"] == (at.iloc[0] if len(at) else pd.NA)
        if g["share"].iloc[-1] >= 0.40:  # the run at the goal up to the latest value
            below = g.loc[g["share"] < 0.40, "year"]
            assert row["at_goal_since"] == g.loc[g["year"] > (below.max() if len(below)
                                                               else 0), "year"].iloc[0]
        else:
            assert pd.isna(row["at_goal_since"])
    # the ambition met around 2016/17 (gl), and tl below it now, on the page
    page = one_page_markdown(summary_tables(series, region="NL", study=STUDY), lang="nl",
                             study=STUDY)
    assert "gl 40% (2016/17), 40% of meer sinds 2016/17" in page
    assert re.search(r"tl \d+% \(\d{4}/\d{2}\), 40% of meer voor het eerst in", page)
    # landsdeel Oost has no target set on a gl or tl series of its own
    assert level_parts(series, targets=targets, region="Oost").empty


def test_count_text_rounds_for_reading():
    assert count_text(6371.4, lang="nl") == "6.400"
    assert count_text(41202.1) == "41,000"
    assert count_text(968.0) == "970"
    assert count_text(float("nan")) == "n/a"


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_unknown_language_is_refused(tables):
    with pytest.raises(TpError, match="unknown language 'de'"):
        one_page_markdown(tables, lang="de")


def test_markdown_html_is_a_page_with_headings_lists_and_bold():
    page = markdown_html("# T\n\n*sub*\n\n## A\n\n- **x** & y\n- z\n\nText.", lang="nl")
    assert '<html lang="nl">' in page and "<title>T</title>" in page
    assert "<ul><li><strong>x</strong> &amp; y</li><li>z</li></ul>" in page
    assert "<em>sub</em>" in page and "<p>Text.</p>" in page


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_workbook_holds_every_table_and_is_reproducible(tables, tmp_path):
    from openpyxl import load_workbook

    a = write_workbook(tables, tmp_path / "a.xlsx", notes={"levels": "per level"})
    b = write_workbook(tables, tmp_path / "b.xlsx", notes={"levels": "per level"})
    assert a.read_bytes() == b.read_bytes()
    import zipfile

    with zipfile.ZipFile(a) as z:  # no time of writing anywhere: the same tables, the same bytes
        core = z.read("docProps/core.xml").decode()
        assert all(i.date_time == (2020, 1, 1, 0, 0, 0) for i in z.infolist())
    assert re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", core) == ["2020-01-01T00:00:00Z"] * 2
    wb = load_workbook(a)
    assert wb.sheetnames == ["about", *tables]
    levels = pd.read_excel(a, sheet_name="levels")
    assert list(levels.columns) == list(tables["levels"].columns)
    pd.testing.assert_series_equal(levels["last_share"], pd.to_numeric(
        tables["levels"]["last_share"]).astype(float), check_exact=False)
    about = {r[0]: r[2] for r in wb["about"].iter_rows(min_row=2, values_only=True)}
    assert about["levels"] == "per level" and about["headline"] is None
