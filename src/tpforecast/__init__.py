"""tpforecast: is the Techniekpact 40% reachable?

Clean, provenance-tracked enrolment series per level and region, statsmodels trend models
with prediction intervals and backtests, and acceleration scenarios.

>>> import tpforecast as tp
>>> series = tp.load_series()                       # doctest: +SKIP
>>> tp.reachability(series, target=0.40, year=2020)  # doctest: +SKIP

The defaults (target, years, seed, number of paths) are those of the bundled study
(``data/study.yml``, :func:`load_study`).

Public names are imported lazily so that ``import tpforecast`` stays fast (statsmodels and
matplotlib load only when a model or plot is used).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tpforecast.errors import TpDataError, TpError, TpModelError, TpNoDataError, TpScenarioError

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Study": "study",
    "load_study": "study",
    "load_series": "data.loaders",
    "load_targets": "data.loaders",
    "load_figures": "data.published",
    "clean_figures": "data.cleaning",
    "CleanResult": "data.cleaning",
    "read_duo": "data.duo",
    "technical_share": "data.shares",
    "validate": "data.validation",
    "build_data": "data.build",
    "available_models": "models",
    "forecast": "forecasting",
    "reachability": "forecasting",
    "reachability_combined": "forecasting",
    "probability_by_year": "forecasting",
    "two_set_evaluation": "forecasting",
    "drop_short_series": "forecasting",
    "share_counts": "forecasting",
    "backtest": "forecasting",
    "score": "forecasting",
    "hindcast": "forecasting",
    "Scenario": "scenarios",
    "load_scenarios": "scenarios",
    "required_acceleration": "scenarios",
    "run_scenarios": "scenarios",
    "acceleration_table": "scenarios",
    "years_to_target": "scenarios",
    "plot_series": "plotting",
    "plot_panels": "plotting",
    "plot_forecast": "plotting",
    "plot_forecast_panels": "plotting",
    "plot_hindcast": "plotting",
    "plot_reachability": "plotting",
    "plot_scenarios": "plotting",
    "plot_probability": "plotting",
    "plot_vintages": "plotting",
    "headline_series": "report.headline",
    "headline_table": "report.headline",
    "build_report": "report.build",
}

__all__ = ["TpDataError", "TpError", "TpModelError", "TpNoDataError", "TpScenarioError",
           *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tpforecast' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tpforecast.{module}"), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from tpforecast.data.build import build_data
    from tpforecast.data.cleaning import CleanResult, clean_figures
    from tpforecast.data.duo import read_duo
    from tpforecast.data.loaders import load_series, load_targets
    from tpforecast.data.published import load_figures
    from tpforecast.data.shares import technical_share
    from tpforecast.data.validation import validate
    from tpforecast.forecasting import (
        backtest,
        drop_short_series,
        forecast,
        hindcast,
        probability_by_year,
        reachability,
        reachability_combined,
        score,
        share_counts,
        two_set_evaluation,
    )
    from tpforecast.models import available_models
    from tpforecast.plotting import (
        plot_forecast,
        plot_forecast_panels,
        plot_hindcast,
        plot_panels,
        plot_probability,
        plot_reachability,
        plot_scenarios,
        plot_series,
        plot_vintages,
    )
    from tpforecast.report.build import build_report
    from tpforecast.report.headline import headline_series, headline_table
    from tpforecast.scenarios import (
        Scenario,
        acceleration_table,
        load_scenarios,
        required_acceleration,
        run_scenarios,
        years_to_target,
    )
    from tpforecast.study import Study, load_study
