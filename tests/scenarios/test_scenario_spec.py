"""Scenario and Solve: every field checked, naming the scenario and the field; the ramp."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic import FAST, scenario_error

from tpforecast.errors import TpScenarioError
from tpforecast.scenarios import (
    Scenario,
    ramp_weights,
    required_acceleration,
)


def test_ramp_and_end_weights():
    w = ramp_weights(np.arange(2015, 2022), 2016, 2)
    assert np.allclose(w, [0, 1 / 3, 1, 2, 3, 4, 5])
    w = ramp_weights(np.arange(2015, 2022), 2016, 0, end=2018)
    assert np.allclose(w, [0, 1, 2, 3, 3, 3, 3])


def test_negative_ramp(series):
    with scenario_error("'ramp_years'.*negative"):
        Scenario("bad", start=2016, extra_pp_per_year=1.0, ramp_years=-1)
    with scenario_error("'ramp_years'", "required_acceleration"):
        required_acceleration(series, ramp_years=-2, **FAST)


@pytest.mark.parametrize("path, problem", [
    ({2020: 0.3, 2022: 0.35}, r"missing year\(s\) \[2021\]"),
    ([(2020, 0.3), (2021, 0.32), (2021, 0.33)], r"duplicate year\(s\) \[2021\]"),
    ({2020: 0.3, 2021: 40}, r"outside \[0, 1\]"),
    ({"2020/21": 0.3}, "not a whole number"),
    ({}, "empty"),
])
def test_bad_path(path, problem):
    with scenario_error(f"'path'.*{problem}"):
        Scenario("bad", path=path)


@pytest.mark.parametrize("kwargs, fld", [
    (dict(start="2016"), "start"),
    (dict(start=2016.0), "start"),
    (dict(ramp_years=1.5), "ramp_years"),
    (dict(extra_pp_per_year="one"), "extra_pp_per_year"),
    (dict(extra_pp_per_year=True), "extra_pp_per_year"),
    (dict(extra_pp_per_year=250.0), "extra_pp_per_year"),
    (dict(levels="havo"), "levels"),
    (dict(levels=[]), "levels"),
    (dict(regions=["NL", "NL"]), "regions"),
    (dict(base="flat"), "base"),
    (dict(solve={"target": 40, "year": 2020}), "solve.target"),
    (dict(solve={"target": 0.4}), "solve.year"),
    (dict(solve={"target": 0.4, "year": 2020, "prob": 0.5}), "solve.prob"),
    (dict(solve={"target": 0.4, "year": 2020, "probability": 1.5}), "solve.probability"),
    (dict(solve={"target": 0.4, "year": 2020}, extra_pp_per_year=1.0), "extra_pp_per_year"),
    (dict(path={2024: 0.3}, extra_pp_per_year=1.0), "path"),
    (dict(extra_pp_per_year={"havo": 1.0}, levels=["vwo"]), "extra_pp_per_year"),
    (dict(start=2020, end=2018, extra_pp_per_year=1.0), "end"),
    (dict(description=3), "description"),
])
def test_bad_field_types(kwargs, fld):
    with scenario_error(f"'{fld}'"):
        Scenario("bad", **kwargs)


def test_bad_name():
    with pytest.raises(TpScenarioError, match="'name'"):
        Scenario("")
