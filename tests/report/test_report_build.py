"""`tpforecast report`: files, determinism, README headline, and rendering in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from tpforecast.report.build import build_report

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ["headline", "vintages", "hindcast", "series", "probability", "forecast_mbo",
           "forecast_havo", "forecast_ho", "scenarios", "oost"]


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    build_report(out)
    return out


def test_files_written(report):
    assert (report / "report.html").stat().st_size > 50_000
    assert (report / "summary.md").exists()
    for name in FIGURES:
        for ext in ("png", "svg"):
            assert (report / "figures" / f"{name}.{ext}").stat().st_size > 5_000, name


def test_html_is_self_contained(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= len(FIGURES)
    assert not re.search(r"""(src|href)=["']?(https?:|//|figures/)""", html)
    assert "<table" in html and "P(40% in 2020), as of 2016" in html


def test_headline_table_has_every_main_level(report):
    md = (report / "summary.md").read_text(encoding="utf-8")
    table = md.split("## Headline per level")[1].split("![")[0]
    for level in ["havo", "vwo", "mbo", "hbo", "wo", "ho", "vmbo_bb", "vmbo_kb"]:
        assert re.search(rf"^\|\s*{level}\s*\|", table, flags=re.M), level


def test_report_is_reproducible_and_committed(report):
    """The committed reports/summary.md is what `make report` builds today (same seed)."""
    committed = ROOT / "reports" / "summary.md"
    assert committed.exists(), "run `make report` and commit reports/"
    assert (report / "summary.md").read_text() == committed.read_text(), (
        "reports/ is stale: run `make report` and commit")
    assert (report / "figures" / "headline.svg").read_bytes() == (
        ROOT / "reports" / "figures" / "headline.svg").read_bytes()


def test_readme_shows_the_headline_acceleration_and_evaluation_tables_and_figure():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    summary = (ROOT / "reports" / "summary.md").read_text(encoding="utf-8")
    for name in ["headline", "acceleration", "evaluation"]:
        block = readme.split(f"<!-- {name}:start -->")[1].split(f"<!-- {name}:end -->")[0]
        assert block.strip() and block.strip() in summary, name
    assert "reports/figures/headline.png" in readme
    assert (ROOT / "reports" / "figures" / "headline.png").exists()


def test_report_follows_the_study(tmp_path):
    """Another study (target, years) gives other labels: nothing is typed into the report."""
    import tpforecast as tp
    from tpforecast.report import headline_table
    from tpforecast.report.build import headline_markdown
    from tpforecast.study import load_study

    study = load_study().replace(target=0.30, target_year=2019, as_of=2014, n_paths=200)
    md = headline_markdown(headline_table(tp.load_series(), study=study))
    assert "P(30% in 2019), as of 2015" in md and "2018/19" in md and "2019/20" in md


def test_acceleration_table_in_summary(report):
    md = (report / "summary.md").read_text(encoding="utf-8")
    table = md.split("have taken?")[1]
    for level in ["mbo", "hbo", "wo", "ho"]:
        row = re.search(rf"^\|\s*{level}\s*\|(.*)$", table, flags=re.M)
        assert row, level
        cells = [c.strip() for c in row.group(1).split("|")]
        assert cells[0].startswith("+") and float(cells[0]) > 0  # needed from 2016


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed in CI (.ci/run installs Debian's package)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return path


def _headless(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    return subprocess.run([_chromium(), *flags, *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.browser
def test_renders_in_headless_chromium(report, tmp_path):
    url = (report / "report.html").as_uri()
    dom = _headless(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= len(FIGURES)
    rows = re.findall(r"<tr>", dom.stdout.split("Headline per level")[1].split("</table>")[0])
    assert len(rows) >= 9  # header + one row per level

    shot = tmp_path / "shot.png"
    proc = _headless(tmp_path, f"--screenshot={shot}", "--window-size=1200,2600", url)
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    img = mpimg.imread(shot)[..., :3]
    ink = (img.mean(axis=2) < 0.85).mean()  # fraction of non-white pixels
    assert img.std() > 0.05 and ink > 0.02, (img.std(), ink)
    # the figures are drawn, not only text: some strongly coloured pixels
    saturation = img.max(axis=2) - img.min(axis=2)
    assert (saturation > 0.3).mean() > 0.001
    assert np.isfinite(img).all()


def test_the_headline_note_of_a_region_does_not_credit_the_monitor():
    from tpforecast.report.build import _headline_note
    from tpforecast.study import DEFAULT_STUDY

    national, regional = _headline_note(DEFAULT_STUDY), _headline_note(DEFAULT_STUDY,
                                                                        region="Oost")
    assert "what the monitor published afterwards" in national
    assert "what the monitor published afterwards" not in regional
    assert "DUO values on the monitor's scale (counted where the institution is)" in regional
    assert "national ambition" in regional and "{" not in regional
