"""Acceleration scenarios (stage 4): what it would take to reach the targets, and when.

A :class:`Scenario` describes a future for the series it applies to: a **shift** of a base
future (``base="trend"``: the trend model's simulated paths; ``base="last"``: flat at the last
observed share with the noise of the ``naive`` random walk) by ``extra_pp_per_year`` points of
extra growth a year from ``start``; a **solved** shift (``solve``: the extra growth that gives
a probability of reaching a target, :func:`required_acceleration`); or a fixed **path** of
shares. The built-ins live in ``data/scenarios.yml`` (:func:`load_scenarios`): ``baseline``,
``observed_pace``, ``stagnation``, ``ambitions`` and ``required``.

Modules: :mod:`~.spec` (the specification, checked declaratively), :mod:`~.loading` (YAML),
:mod:`~.engine` (base futures and the shift), :mod:`~.solver` (``required_acceleration``,
``years_to_target``), :mod:`~.runner` (``run_scenarios``), :mod:`~.tables`
(``acceleration_table``).
"""

from tpforecast.scenarios.engine import LAST_MODEL, ScenarioStartWarning, ramp_weights
from tpforecast.scenarios.loading import ScenarioFileError, load_scenarios, scenario_table
from tpforecast.scenarios.runner import ScenarioClipWarning, run_scenarios
from tpforecast.scenarios.solver import required_acceleration, years_to_target
from tpforecast.scenarios.spec import BASES, FIELDS, Scenario, ScenarioFieldError, Solve
from tpforecast.scenarios.tables import acceleration_table

__all__ = [
    "BASES",
    "FIELDS",
    "LAST_MODEL",
    "Scenario",
    "ScenarioClipWarning",
    "ScenarioFieldError",
    "ScenarioFileError",
    "ScenarioStartWarning",
    "Solve",
    "acceleration_table",
    "load_scenarios",
    "ramp_weights",
    "required_acceleration",
    "run_scenarios",
    "scenario_table",
    "years_to_target",
]
