"""Reading scenarios from YAML (stage 4): :func:`load_scenarios` and its file-and-line messages.

Every problem names the file and line, the scenario and the field: invalid YAML, unknown keys
(with a did-you-mean suggestion), duplicate keys, wrong types and bad values (checked by
:class:`~tpforecast.scenarios.spec.Scenario`), duplicate scenario names.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pandas as pd

from tpforecast.data.yaml_input import duplicate_key, node_lines, read_yaml
from tpforecast.errors import TpDataError, TpScenarioError
from tpforecast.paths import data_dir
from tpforecast.scenarios.spec import FIELDS, Scenario, ScenarioFieldError

__all__ = ["ScenarioFileError", "load_scenarios", "scenario_table"]


class ScenarioFileError(TpScenarioError, TpDataError):
    """A problem in a scenario file: ``file``, ``line``, ``column`` (the scenario's field,
    ``solve.year`` for a sub-field; a structural problem names ``(file)`` or the top key),
    ``value`` and ``expected``. Both a :class:`TpScenarioError` and a :class:`TpDataError`."""

    def _format(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f", line {self.line}"
        msg = f"{where}: {self.problem}" if where else self.problem
        if self.value is not None:
            msg += f"; got {self.value!r}"
        if self.expected is not None:
            msg += f"; expected {self.expected}"
        return msg


def load_scenarios(path: str | Path | None = None) -> list[Scenario]:
    """Read scenarios from a YAML file (default: the built-ins in ``data/scenarios.yml``).

    The file holds a mapping with one key, ``scenarios``: a list of mappings with the fields
    of :class:`Scenario` (``name`` required). See the comments at the top of
    ``data/scenarios.yml`` for the format.

    Parameters
    ----------
    path
        YAML file; default the bundled ``data/scenarios.yml``.

    Returns
    -------
    list of Scenario
        In file order.

    Raises
    ------
    ScenarioFileError
        A :class:`TpScenarioError` (and :class:`~tpforecast.errors.TpDataError`) with the file
        and line, the scenario and the field: a missing, empty, binary, wrongly encoded or
        cut-off file (the rules of every input, see ``docs/input_checks.md``), invalid YAML,
        unknown keys (with a suggestion), duplicate keys, wrong types, bad values, duplicate
        scenario names.

    Examples
    --------
    >>> from tpforecast.scenarios import load_scenarios
    >>> [s.name for s in load_scenarios()]
    ['baseline', 'observed_pace', 'stagnation', 'ambitions', 'required']
    """
    file = Path(path) if path is not None else data_dir() / "scenarios.yml"
    parsed = read_yaml(file, what="a scenario file (YAML)", error=ScenarioFileError)
    data, root = parsed.data, parsed.root
    if not isinstance(data, dict) or "scenarios" not in data:
        raise ScenarioFileError("expected a mapping with the key 'scenarios' holding a list of "
                                "scenarios", file=file, line=1, column="(file)")
    top = node_lines(root)
    unknown_top = [k for k in data if k != "scenarios"]
    if unknown_top:
        k = str(unknown_top[0])
        raise ScenarioFileError(f"unknown top-level key {k!r}; expected only 'scenarios'",
                                file=file, line=top.get(k, (None,))[0], column=k)
    items, seq_node = data["scenarios"], top["scenarios"][1]
    if not isinstance(items, list):
        raise ScenarioFileError("'scenarios' must be a list of scenarios (items starting with "
                                "'- name: ...')", file=file, line=top["scenarios"][0],
                                column="scenarios")
    out: list[Scenario] = []
    names: dict[str, int] = {}
    for i, (item, node) in enumerate(zip(items, seq_node.value, strict=True)):
        scn = _scenario(file, i, item, node)
        line0 = node.start_mark.line + 1
        if scn.name in names:
            raise ScenarioFileError(f"scenario {scn.name!r}, field 'name': used twice (first on "
                                    f"line {names[scn.name]})", file=file, line=line0,
                                    column="name")
        names[scn.name] = line0
        out.append(scn)
    return out


def _scenario(file: Path, i: int, item: Any, node: Any) -> Scenario:
    """One scenario of a file, or a :class:`ScenarioFileError` naming its line and field."""
    line0 = node.start_mark.line + 1
    label = item.get("name") if isinstance(item, dict) else None
    label = label if isinstance(label, str) and label else f"#{i + 1}"
    if not isinstance(item, dict):
        raise ScenarioFileError(f"scenario {label!r}: expected a mapping of fields", file=file,
                                line=line0, column="(scenario)", value=item,
                                expected=", ".join(FIELDS))
    dup = duplicate_key(node)
    if dup:
        raise ScenarioFileError(f"scenario {label!r}, field {dup[0]!r}: key given twice",
                                file=file, line=dup[1], column=dup[0])
    keys = node_lines(node)
    for k in item:
        if k not in FIELDS:
            close = difflib.get_close_matches(str(k), FIELDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ScenarioFileError(f"scenario {label!r}: unknown field {k!r}{hint}", file=file,
                                    line=keys.get(str(k), (line0,))[0], column=str(k),
                                    expected=f"one of: {', '.join(FIELDS)}")
    if "name" not in item:
        raise ScenarioFileError(f"scenario {label!r}: missing field 'name'", file=file,
                                line=line0, column="name")
    try:
        return Scenario(**item)
    except ScenarioFieldError as exc:
        head, _, sub = exc.field.partition(".")
        line = keys.get(head, (line0, None))[0]
        if sub and head in keys:
            line = node_lines(keys[head][1]).get(sub, (line,))[0]
        raise ScenarioFileError(str(exc), file=file, line=line, column=exc.field) from exc


def scenario_table(scenarios: list[Scenario] | None = None) -> pd.DataFrame:
    """The scenarios side by side: ``scenario, kind, base, start, description`` (default: the
    built-ins)."""
    scns = load_scenarios() if scenarios is None else scenarios
    return pd.DataFrame({"scenario": [s.name for s in scns], "kind": [s.kind for s in scns],
                         "base": [s.base for s in scns],
                         "start": pd.array([s.start for s in scns], dtype="Int64"),
                         "description": [s.description for s in scns]})
