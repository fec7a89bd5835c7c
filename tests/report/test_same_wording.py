"""The report and the notebooks say the same thing in the same words: for every fact both
show (a probability, a share, a pace, a first year), the committed outputs agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _markdown_table(text: str, after: str) -> dict[str, dict[str, str]]:
    """The first Markdown table after the heading ``after``: level -> column -> cell."""
    lines = [ln for ln in text.split(after, 1)[1].splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = {}
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        if len(cells) != len(header):
            break
        rows[cells[0]] = dict(zip(header, cells, strict=True))
    return rows


def _printed(name: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
    return "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []) if o.get("name") == "stdout")


@pytest.fixture(scope="module")
def summary() -> str:
    return (ROOT / "reports" / "summary.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def headline(summary) -> dict[str, dict[str, str]]:
    return _markdown_table(summary, "## Headline per level")


@pytest.fixture(scope="module")
def acceleration(summary) -> dict[str, dict[str, str]]:
    return _markdown_table(summary, "have taken?")


def test_probability_and_outcome_as_seen_then(headline):
    # the headline lines ("observed 28%"), not the own-target ones ("observed 28% in 2020/21")
    lines = re.findall(r"^P\((\w+) >= 40% in 2020/21 \| data to 2015/16\) = (.+?); "
                       r"observed (\S+|not published)$",
                       _printed("03_was_40pct_reachable"), flags=re.M)
    checked = 0
    for level, p, seen in lines:
        if level in headline:
            assert p == headline[level]["P(40% in 2020), as of 2016"], level
            assert seen == headline[level]["2020/21"] or (
                seen == "not published" and headline[level]["2020/21"] == "n/a"), level
            checked += 1
    assert checked == len(headline) == 10


def test_acceleration_and_pace(acceleration):
    lines = re.findall(r"^(\w+): extra points/year needed for 40% in 2020: from 2016: (\S+), "
                       r"from 2018: (\S+), from 2020: (\S+); at \+1 point/year: (.+)$",
                       _printed("04_acceleration_scenarios"), flags=re.M)
    assert len(lines) == 8
    for level, f16, f18, f20, pace in lines:
        row = acceleration[level]
        assert (f16, f18, f20) == (row["from 2016 (pt/yr)"], row["from 2018 (pt/yr)"],
                                   row["from 2020 (pt/yr)"]), level
        assert pace == row["40% first reached at +1 pt/yr (median year)"], level
    later = re.findall(r"^(\w+) at \+1 point/year, 40% reached: (.+)$",
                       _printed("06_beyond_2020"), flags=re.M)
    shared = [(lv, pace) for lv, pace in later if lv in acceleration]
    assert len(shared) == 8
    assert all(pace == acceleration[lv]["40% first reached at +1 pt/yr (median year)"]
               for lv, pace in shared)


def test_probability_per_year_on_current_trends(headline):
    """Notebook 6's probability per year of 40% and the headline's P in 2030 and first year
    with P >= 50% are the same facts in the same words."""
    lines = re.findall(r"^(\w+): P\(at least 40%\) (.+?); first year with P >= 50%: (.+)$",
                       _printed("06_beyond_2020"), flags=re.M)
    shared = [line for line in lines if line[0] in headline]
    assert len(shared) == 8
    for level, per_year, first in shared:
        p2030 = re.search(r"2030 (\S+?)(?:,|$)", per_year).group(1)
        assert p2030 == headline[level]["P(40%+ in 2030), all data"], level
        assert first == headline[level]["first year with P(40%+) >= 50%"], level


def test_no_first_passage_year_is_worded_as_a_forecast(summary):
    """The headline says probabilities per year; no "reached (median year)" column and no
    "(80%: from ...)" range that reads like a chance."""
    assert "reached (median year)" not in summary.split("## What acceleration")[0]
    assert "80%: from" not in summary and "after 2040 (80%" not in summary
