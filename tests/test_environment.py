"""environment.yml (conda-forge) and pyproject.toml must list the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert m, spec
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_deps() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        specs += extra
    return dict(_split(s) for s in specs)


def environment_deps() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    deps = dict(_split(s) for s in specs)
    deps.pop("pip")
    deps.pop("python")
    return deps


def test_same_dependencies_and_versions():
    py, env = pyproject_deps(), environment_deps()
    assert set(py) == set(env), {
        "only in pyproject.toml": sorted(set(py) - set(env)),
        "only in environment.yml": sorted(set(env) - set(py)),
    }
    assert py == env


def test_required_stack_is_listed():
    deps = pyproject_deps()
    for name in ["pandas", "statsmodels", "matplotlib", "seaborn", "jupyterlab", "nbval"]:
        assert name in deps


def test_python_version_agrees():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert pins == ["python" + meta["requires-python"]]


def test_layout_and_typed_marker():
    for path in ["src/tpforecast/py.typed", "notebooks", "data", "reports", "tests",
                 "environment.yml", "benchmarks"]:
        assert (ROOT / path).exists(), path
