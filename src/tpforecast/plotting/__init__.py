"""Figures (stage 5): seaborn-styled functions that take tidy frames and return a matplotlib
Axes (one panel) or Figure (small multiples).

All figures share one look (:mod:`~.style`), fixed sizes, a percent axis for shares, and a
source caption at the bottom of the figure. Nothing is shown (no ``plt.show``): callers save
or display the returned figure. Numbers in labels are formatted by :mod:`tpforecast.formatting`,
so a figure says "p = 7%" where a table says "7%".
"""

from tpforecast.plotting.forecast import plot_forecast, plot_forecast_panels
from tpforecast.plotting.probability import plot_probability, plot_vintages
from tpforecast.plotting.reachability import plot_hindcast, plot_reachability
from tpforecast.plotting.scenarios import plot_scenarios
from tpforecast.plotting.series import plot_panels, plot_series
from tpforecast.plotting.style import FIGSIZE, PALETTE

__all__ = [
    "FIGSIZE",
    "PALETTE",
    "plot_forecast",
    "plot_forecast_panels",
    "plot_hindcast",
    "plot_panels",
    "plot_probability",
    "plot_reachability",
    "plot_scenarios",
    "plot_series",
    "plot_vintages",
]
