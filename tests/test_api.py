"""The public API: every name in tpforecast.__all__ resolves, and the fixed names exist."""

from __future__ import annotations

import inspect

import tpforecast as tp

FIXED = [
    # issue: data
    "load_series", "load_targets", "load_figures", "clean_figures", "read_duo",
    "technical_share", "validate", "TpDataError",
    # issue: models
    "forecast", "reachability", "reachability_combined", "backtest", "score", "plot_forecast",
    "plot_reachability",
    # issue: scenarios
    "Scenario", "load_scenarios", "required_acceleration", "run_scenarios", "plot_scenarios",
]


def test_every_exported_name_resolves():
    for name in tp.__all__:
        assert getattr(tp, name) is not None, name


def test_fixed_names_are_exported():
    assert set(FIXED) <= set(tp.__all__)


def test_public_functions_have_docstrings_and_hints():
    for name in tp.__all__:
        obj = getattr(tp, name)
        if inspect.isfunction(obj):
            assert obj.__doc__ and len(obj.__doc__) > 40, name
            assert "return" in inspect.get_annotations(obj), name


def test_errors_are_value_errors():
    assert issubclass(tp.TpDataError, ValueError)
    assert issubclass(tp.TpModelError, ValueError)
    assert issubclass(tp.TpScenarioError, ValueError)
