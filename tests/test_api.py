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
    # issue 8: the study and the one vocabulary
    "Study", "load_study", "hindcast", "headline_series", "headline_table", "TpNoDataError",
]


def test_every_exported_name_resolves_to_the_package():
    for name in tp.__all__:
        obj = getattr(tp, name)
        assert obj.__module__.startswith("tpforecast."), name
        assert getattr(tp, name) is obj  # cached after the first lookup


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
    assert issubclass(tp.TpNoDataError, tp.TpModelError)


def test_the_report_namespace_is_lazy_and_complete():
    import tpforecast.report as rp

    #: the one headline selection lives with the runners (stage 3) and is re-exported here
    from_selection = {"headline_series", "role_indicators"}
    for name in rp.__all__:
        obj = getattr(rp, name)
        if callable(obj):
            home = "tpforecast.forecasting.selection" if name in from_selection \
                else "tpforecast.report."
            assert obj.__module__.startswith(home), name
        else:  # the level and region orders
            assert isinstance(obj, tuple) and obj, name
