"""load_scenarios: the built-ins, and file-and-line messages for bad YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
from synthetic import FAST

from tpforecast.errors import TpScenarioError
from tpforecast.scenarios import (
    Solve,
    load_scenarios,
    run_scenarios,
)


def _yaml(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "scenarios.yml"
    p.write_text(body, encoding="utf-8")
    return p


def test_builtins_load():
    scns = load_scenarios()
    assert [s.name for s in scns] == ["baseline", "observed_pace", "stagnation", "ambitions",
                                      "required"]
    by = {s.name: s for s in scns}
    assert by["observed_pace"].base == "last" and by["observed_pace"].extra_for("x") == 1.0
    assert by["stagnation"].base == "last" and by["stagnation"].extra_for("x") == 0.0
    assert by["required"].solve == Solve(0.40, 2020, 0.5)
    assert by["ambitions"].solve == Solve("targets", None, 0.5)
    assert all(s.description for s in scns)
    assert by["required"].info_as_of() == 2015 and by["baseline"].info_as_of() is None
    assert by["required"].info_as_of(2012) == 2012


def test_yaml_roundtrip(tmp_path):
    p = _yaml(tmp_path, """
scenarios:
  - name: push
    description: two points a year for havo and one for vwo from 2024, over two years
    start: 2024
    ramp_years: 2
    extra_pp_per_year: {havo: 2.0, vwo: 1.0}
    regions: [NL]
  - name: fixed
    path: {2024: 0.38, 2025: 0.39}
    levels: [havo]
  - name: solved
    start: 2016
    solve: {target: 0.45, year: 2020, probability: 0.6}
""")
    push, fixed, solved = load_scenarios(p)
    assert push.extra_for("havo") == 2.0 and push.ramp_years == 2 and push.regions == ("NL",)
    assert push.applies_to("havo", "NL") and not push.applies_to("mbo", "NL")
    assert fixed.path == {2024: 0.38, 2025: 0.39} and fixed.kind == "path"
    assert solved.solve == Solve(0.45, 2020, 0.6)


@pytest.mark.parametrize("body, pattern", [
    ("scenarios:\n  - name: a\n    strat: 2016\n",
     r"line 3: scenario 'a': unknown field 'strat' \(did you mean 'start'\?\)"),
    ("scenarios:\n  - name: a\n    start: '2016'\n", r"line 3: scenario 'a', field 'start'"),
    ("scenarios:\n  - name: a\n    levels: havo\n", r"line 3: scenario 'a', field 'levels'"),
    ("scenarios:\n  - name: a\n    extra_pp_per_year: lots\n",
     r"line 3: scenario 'a', field 'extra_pp_per_year'"),
    ("scenarios:\n  - name: a\n    ramp_years: -1\n", r"line 3: scenario 'a', field 'ramp_years'"),
    ("scenarios:\n  - name: a\n    path:\n      2020: 0.3\n      2020: 0.31\n",
     r"line 5: scenario 'a', field 'path.2020': key given twice"),
    ("scenarios:\n  - name: a\n    path: {2020: 0.3, 2022: 0.3}\n",
     r"line 3: scenario 'a', field 'path': missing year"),
    ("scenarios:\n  - name: a\n    solve:\n      target: 0.4\n      yaer: 2020\n",
     r"line 5: scenario 'a', field 'solve.yaer'"),
    ("scenarios:\n  - name: a\n  - name: a\n", r"line 3: scenario 'a', field 'name': used twice"),
    ("scenarios:\n  - start: 2016\n", r"scenario '#1': missing field 'name'"),
    ("scenarios:\n  - name: a\n    start: [2016\n", r"line \d: not valid YAML"),
    ("scenario:\n  - name: a\n", r"expected a mapping with the key 'scenarios'"),
    ("scenarios:\n  - name: a\nversion: 2\n", r"line 3: unknown top-level key 'version'"),
    ("scenarios:\n  name: a\n", r"'scenarios' must be a list"),
    ("scenarios:\n  - just text\n", r"scenario '#1': expected a mapping"),
])
def test_yaml_errors(tmp_path, body, pattern):
    p = _yaml(tmp_path, body)
    with pytest.raises(TpScenarioError, match=pattern) as exc:
        load_scenarios(p)
    assert str(p) in str(exc.value)


def test_yaml_missing_file(tmp_path):
    with pytest.raises(TpScenarioError, match="not found"):
        load_scenarios(tmp_path / "nope.yml")


def test_run_from_yaml_path(tmp_path, series):
    p = _yaml(tmp_path, "scenarios:\n  - name: flat\n    base: last\n    levels: [vwo]\n")
    res = run_scenarios(series, scenarios=p, until=2025, **FAST)
    assert set(res["scenario"]) == {"flat"} and set(res["level"]) == {"vwo"}


@pytest.mark.parametrize("content, line, field, pattern", [
    (b"scenarios:\n  - name: caf\xe9\n", 2, "name", "not UTF-8"),
    (b"scenarios:\n  - name: caf\xc3\xa9\n    description: na\xefve\n", 3, "description",
     "mixed encodings"),
    (b"", 1, "(header)", "empty file"),
    (b"scenarios:\n  - name: a\x00b\n", 2, "name", "not text"),
    (b"PK\x03\x04" + b"\x00" * 20, 1, "(file content)", "ZIP"),
    (b"scenarios:\n  - name: a\n    start: 20", 3, "start", "ends inside a line"),
])
def test_yaml_bytes_go_through_the_shared_text_reader(tmp_path, content, line, field, pattern):
    """Non-UTF-8, binary, empty and cut-off scenario files: file, line and field, no
    UnicodeDecodeError (issue 9)."""
    from tpforecast.errors import TpDataError

    p = tmp_path / "scenarios.yml"
    p.write_bytes(content)
    with pytest.raises(TpScenarioError, match=pattern) as exc:
        load_scenarios(p)
    assert isinstance(exc.value, TpDataError)
    assert (exc.value.file, exc.value.line, exc.value.column) == (str(p), line, field)


def test_yaml_utf16_and_gzip_read_like_utf8(tmp_path):
    import gzip

    body = "scenarios:\n  - name: café\n    start: 2024\n    extra_pp_per_year: 1.0\n"
    for name, content in (("u16.yml", body.encode("utf-16")),
                          ("gz.yml", gzip.compress(body.encode()))):
        p = tmp_path / name
        p.write_bytes(content)
        (scn,) = load_scenarios(p)
        assert (scn.name, scn.start, scn.extra_for("x")) == ("café", 2024, 1.0)
