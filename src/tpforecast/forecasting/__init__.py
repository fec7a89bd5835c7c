"""Forecasts, probabilities, first years, backtests and hindcasts (stage 3).

Every runner takes a series frame (``load_series()`` layout, see ``docs/design.md``) first and
keyword-only options with one name and meaning everywhere; it splits the frame into series
(``indicator, level, region, sex``), fits the requested models from :mod:`tpforecast.models`
series by series, and returns a tidy frame. A (series, model) pair that cannot be computed is a
row with a ``status`` and a ``reason``, never dropped. Genuinely bad input (duplicate or
unsorted years, shares outside [0, 1], unknown model names, a target outside (0, 1), ``as_of``
before every observation) raises :class:`~tpforecast.errors.TpModelError` naming the series.

Modules: :mod:`~.series` (splitting, fitting, typed frames), :mod:`~.targets` (the one target
matcher), :mod:`~.measures` (recent and needed pace, first year at target), :mod:`~.future`
(paths and quantiles of one series), :mod:`~.forecast`, :mod:`~.reachability`,
:mod:`~.probability` (P(at or above a target) per year), :mod:`~.combined`,
:mod:`~.backtesting`, :mod:`~.hindcast`, :mod:`~.calibration` (the default model's
calibration from the package's own series), :mod:`~.evaluation` (the two-set evaluation),
:mod:`~.selection` (``region`` and ``levels``, and the headline series of a region),
:mod:`~.entrants` (the entrants behind a share, on the monitor's scale).
"""

from tpforecast.forecasting.backtesting import backtest, score
from tpforecast.forecasting.calibration import calibrate, calibration_scores, calibration_sets
from tpforecast.forecasting.combined import COMBINED_LEVELS, reachability_combined
from tpforecast.forecasting.entrants import fill_implied_totals, monitor_scale_counts
from tpforecast.forecasting.evaluation import (
    evaluation_goals,
    family_coverage,
    stored_evaluation,
    two_set_evaluation,
    write_evaluation,
)
from tpforecast.forecasting.forecast import forecast
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.hindcast import (
    hindcast,
    hindcast_summary,
    model_diagnostics,
    one_step_errors,
)
from tpforecast.forecasting.measures import first_passage, needed_pace, recent_pace
from tpforecast.forecasting.probability import first_year_with, probability_by_year
from tpforecast.forecasting.reachability import reachability
from tpforecast.forecasting.selection import headline_series, selected
from tpforecast.forecasting.series import (
    KEY,
    STATUSES,
    drop_short_series,
    series_label,
    series_rng,
    share_counts,
    split_series,
)
from tpforecast.forecasting.targets import Goal, check_target, goals_for, resolve_target

__all__ = [
    "COMBINED_LEVELS",
    "KEY",
    "STATUSES",
    "Future",
    "Goal",
    "backtest",
    "calibrate",
    "calibration_scores",
    "calibration_sets",
    "check_target",
    "drop_short_series",
    "evaluation_goals",
    "family_coverage",
    "fill_implied_totals",
    "first_passage",
    "first_year_with",
    "forecast",
    "goals_for",
    "headline_series",
    "hindcast",
    "hindcast_summary",
    "monitor_scale_counts",
    "model_diagnostics",
    "needed_pace",
    "one_step_errors",
    "probability_by_year",
    "reachability",
    "reachability_combined",
    "recent_pace",
    "resolve_target",
    "score",
    "selected",
    "series_label",
    "series_rng",
    "share_counts",
    "split_series",
    "stored_evaluation",
    "two_set_evaluation",
    "write_evaluation",
]
