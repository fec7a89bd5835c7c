"""The Study: read from data/study.yml, checked, and the defaults of every runner."""

from __future__ import annotations

import inspect

import pytest

import tpforecast as tp
from tpforecast import study as st
from tpforecast.errors import TpDataError


def test_bundled_study_and_module_defaults():
    s = tp.load_study()
    assert (s.target, s.target_year, s.as_of, s.start) == (0.40, 2020, 2015, 2016)
    assert (st.N_PATHS, st.SEED, st.HORIZON) == (s.n_paths, s.seed, s.horizon)
    assert s.replace(target=0.30).target == 0.30 and s.target == 0.40  # frozen


def test_the_defaults_of_the_runners_are_the_study():
    sig = inspect.signature(tp.reachability).parameters
    assert sig["target"].default == st.TARGET and sig["n_paths"].default == st.N_PATHS


@pytest.mark.parametrize(("body", "match"), [
    ("target: 40\n", "target"),
    ("n_pahts: 10\n", "did you mean 'n_paths'"),
    ("starts: 2016\n", "starts"),
])
def test_bad_study_files_name_file_line_and_setting(tmp_path, body, match):
    good = (tp.paths.data_dir() / "study.yml").read_text()
    key = body.split(":")[0]
    lines = [line for line in good.splitlines() if not line.startswith(f"{key}:")]
    path = tmp_path / "study.yml"
    path.write_text("\n".join([*lines, body]))
    with pytest.raises(TpDataError, match=match) as exc:
        tp.load_study(path)
    assert str(path) in str(exc.value)


def test_replace_checks_like_a_file():
    with pytest.raises(TpDataError, match="n_paths"):
        tp.load_study().replace(n_paths=0)
    with pytest.raises(TpDataError, match="did you mean 'target'"):
        tp.load_study().replace(traget=0.3)


@pytest.mark.parametrize(("transform", "line", "column", "match"), [
    (lambda b: b.replace(b"seed: 0", b"seed: 0 \xe9"), "seed", "seed", "not UTF-8"),
    (lambda b: b + b"seed: 1\n", "last", "seed", "given twice"),
    (lambda b: b.rstrip(b"\n"), "last", "until", "ends inside a line"),
    (lambda b: b"", 1, "(header)", "empty file"),
])
def test_study_bytes_and_duplicates_name_file_line_and_setting(tmp_path, transform, line,
                                                              column, match):
    """The study file is read like every input: encoding, cut-off and duplicate keys are
    refused with file, line and setting (issue 9)."""
    good = (tp.paths.data_dir() / "study.yml").read_bytes()
    path = tmp_path / "study.yml"
    path.write_bytes(transform(good))
    text = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    want = {"last": len(text),
            "seed": next((i + 1 for i, t in enumerate(text) if t.startswith("seed:")), None)
            }.get(line, line)
    with pytest.raises(TpDataError, match=match) as exc:
        tp.load_study(path)
    assert (exc.value.file, exc.value.line, exc.value.column) == (str(path), want, column)
