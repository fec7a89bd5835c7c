"""Every public runner checks its options with the one rule per keyword (tpforecast.options):
a bad value is a TpModelError naming the keyword, the value and what is expected, never a raw
ValueError, IndexError or a string split into letters (issue 9)."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic import synthetic_levels

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.options import RULES, check_options, checked, problem
from tpforecast.scenarios import Scenario

SERIES = synthetic_levels()
HAVO = SERIES[(SERIES.level == "havo")].reset_index(drop=True)


def _run(name: str, **options):
    """Call runner ``name`` on the synthetic havo series with cheap defaults and ``options``."""
    cheap = {"models": "drift", "n_paths": 50}
    calls = {
        "forecast": lambda o: tp.forecast(HAVO, **{**cheap, "until": 2026, **o}),
        "reachability": lambda o: tp.reachability(HAVO, **{**cheap, **o}),
        "reachability_combined": lambda o: tp.reachability_combined(
            SERIES, levels=["havo", "vwo"], **{**cheap, **o}),
        "backtest": lambda o: tp.backtest(HAVO, **{**cheap, "horizons": [1], **o}),
        "hindcast": lambda o: tp.hindcast(HAVO, **{**cheap, **o}),
        "required_acceleration": lambda o: tp.required_acceleration(HAVO, **{**cheap, **o}),
        "years_to_target": lambda o: tp.years_to_target(HAVO, **{**cheap, **o}),
        "run_scenarios": lambda o: tp.run_scenarios(
            HAVO, scenarios=[Scenario("flat", base="last")], **{**cheap, **o}),
        "acceleration_table": lambda o: tp.acceleration_table(HAVO, **{**cheap, **o}),
    }
    return calls[name](options)


RUNNERS = ["forecast", "reachability", "reachability_combined", "backtest", "hindcast",
           "required_acceleration", "years_to_target", "run_scenarios", "acceleration_table"]
BAD_SIMULATION = [("n_paths", 0), ("n_paths", -5), ("n_paths", 2.5), ("n_paths", "100"),
                  ("n_paths", 10**9), ("seed", -1), ("seed", 1.5), ("seed", "0"),
                  ("seed", True)]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("option", "value"), BAD_SIMULATION)
def test_every_runner_checks_seed_and_n_paths(runner, option, value):
    with pytest.raises(TpModelError, match=rf"^{option} must be .*; got {value!r}"):
        _run(runner, **{option: value})


@pytest.mark.parametrize(("runner", "option", "value"), [
    *[(r, "intervals", v) for r in ("forecast", "reachability", "reachability_combined",
                                    "backtest", "hindcast", "run_scenarios")
      for v in (0.8, [0.8], [80, 80], [100], "80", [True])],
    *[(r, "as_of", v) for r in ("forecast", "reachability", "reachability_combined",
                                "required_acceleration", "years_to_target", "run_scenarios")
      for v in ("2015", 2015.0, 15000)],
    *[(r, "year", v) for r in ("reachability", "reachability_combined",
                               "required_acceleration", "acceleration_table")
      for v in ("2020", 2020.5, 20)],
    *[(r, "horizon", v) for r in ("reachability", "reachability_combined",
                                  "required_acceleration", "years_to_target",
                                  "acceleration_table") for v in ("2040", 1e4)],
    *[("forecast", "until", v) for v in (None, "2030", 2030.0)],
    *[("run_scenarios", "until", v) for v in (None, "2030")],
    *[("backtest", "horizons", v) for v in ([], [0], [-1, 2], "1-6", [1.5], 3)],
    *[("backtest", "min_train", v) for v in (1, 100.0, "6", None)],
    *[("required_acceleration", "probability", v) for v in (0, 1, 1.5, "0.5")],
    *[("acceleration_table", "starts", v) for v in (2016, [], ["2016"], [2016, 2016])],
    *[("acceleration_table", "pace", v) for v in ("1", float("nan"), 150)],
    ("required_acceleration", "start", "2016"),
    ("hindcast", "years", "2020"),
    ("hindcast", "years", [2020.5]),
])
def test_every_runner_checks_its_options(runner, option, value):
    with pytest.raises(TpModelError, match=rf"^{option} must be "):
        _run(runner, **{option: value})


@pytest.mark.parametrize("runner", ["forecast", "reachability", "backtest", "run_scenarios",
                                    "required_acceleration", "years_to_target", "hindcast"])
def test_a_model_name_is_never_split_into_letters(runner):
    """``models="naive"`` is one model (backtest used to try 'n', 'a', 'i', ...)."""
    out = _run(runner, models="naive")
    assert set(out["model"].dropna()) == {"naive"}


def test_forecast_ensemble_with_no_paths_is_a_clear_error():
    """The issue's example: a raw ``ValueError: need at least one array to concatenate``."""
    with pytest.raises(TpModelError, match=r"n_paths must be a whole number of simulated paths "
                                           r"from 1 to 1000000; got 0"):
        tp.forecast(HAVO, models="ensemble", n_paths=0)


def test_models_check_n_paths_too():
    fitted = tp.models.get_model("drift").fit(HAVO["year"], HAVO["share"])
    with pytest.raises(TpModelError, match="n_paths must be"):
        fitted.simulate([2024, 2025], n_paths=0)


def test_numpy_values_are_accepted_and_returned_plain():
    until, seed, intervals = check_options(until=np.int64(2030), seed=np.int32(3),
                                           intervals=np.array([80, 95]))
    assert (until, seed, intervals) == (2030, 3, (80, 95))
    assert type(until) is int and type(seed) is int
    assert checked("as_of", None) is None and checked("target", np.float64(0.4)) == 0.4


def test_the_study_and_the_runners_share_the_rules():
    """One description of a valid value per keyword: the study file and the runners agree."""
    for name in ("target", "as_of", "seed", "n_paths", "intervals", "horizon", "until"):
        assert name in RULES
    assert problem("n_paths", 0) == RULES["n_paths"][1]
    with pytest.raises(tp.TpDataError, match=RULES["n_paths"][1].replace("(", r"\(")[:30]):
        tp.load_study().replace(n_paths=0)
