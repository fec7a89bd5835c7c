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

from tpforecast.errors import TpScenarioError
from tpforecast.paths import data_dir
from tpforecast.scenarios.spec import FIELDS, Scenario, ScenarioFieldError

__all__ = ["load_scenarios", "scenario_table"]


def _location(file: Path, line: int | None) -> str:
    return f"{file}, line {line}" if line is not None else str(file)


def _node_lines(node: Any) -> dict[str, tuple[int, Any]]:
    """key -> (line of the key, value node) for a YAML mapping node."""
    import yaml

    out: dict[str, tuple[int, Any]] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.setdefault(str(k.value), (k.start_mark.line + 1, v))
    return out


def _find_duplicate_key(node: Any, trail: tuple[str, ...] = ()) -> tuple[str, int] | None:
    """The first duplicate mapping key below ``node``: (dotted key, line)."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            kv = str(k.value)
            if kv in seen:
                return ".".join((*trail, kv)), k.start_mark.line + 1
            seen.add(kv)
            found = _find_duplicate_key(v, (*trail, kv))
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            found = _find_duplicate_key(v, trail)
            if found:
                return found
    return None


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
    TpScenarioError
        With the file and line, the scenario and the field: invalid YAML, unknown keys (with a
        suggestion), duplicate keys, wrong types, bad values, duplicate scenario names.

    Examples
    --------
    >>> from tpforecast.scenarios import load_scenarios
    >>> [s.name for s in load_scenarios()]
    ['baseline', 'observed_pace', 'stagnation', 'ambitions', 'required']
    """
    import yaml

    file = Path(path) if path is not None else data_dir() / "scenarios.yml"
    if not file.is_file():
        raise TpScenarioError(f"{file}: scenario file not found")
    text = file.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise TpScenarioError(f"{_location(file, line)}: not valid YAML ({problem})") from exc
    if not isinstance(data, dict) or "scenarios" not in data:
        raise TpScenarioError(f"{file}: expected a mapping with the key 'scenarios' holding a "
                              "list of scenarios")
    top = _node_lines(root)
    unknown_top = [k for k in data if k != "scenarios"]
    if unknown_top:
        k = str(unknown_top[0])
        raise TpScenarioError(f"{_location(file, top.get(k, (None,))[0])}: unknown top-level key "
                              f"{k!r}; expected only 'scenarios'")
    items, seq_node = data["scenarios"], top["scenarios"][1]
    if not isinstance(items, list):
        raise TpScenarioError(f"{_location(file, top['scenarios'][0])}: 'scenarios' must be a "
                              f"list of scenarios (items starting with '- name: ...')")
    out: list[Scenario] = []
    names: dict[str, int] = {}
    for i, (item, node) in enumerate(zip(items, seq_node.value, strict=True)):
        line0 = node.start_mark.line + 1
        label = item.get("name") if isinstance(item, dict) else None
        label = label if isinstance(label, str) and label else f"#{i + 1}"
        where = _location(file, line0)
        if not isinstance(item, dict):
            raise TpScenarioError(f"{where}: scenario {label!r}: expected a mapping of fields "
                                  f"({', '.join(FIELDS)}); got {item!r}")
        dup = _find_duplicate_key(node)
        if dup:
            raise TpScenarioError(f"{_location(file, dup[1])}: scenario {label!r}, field "
                                  f"{dup[0]!r}: key given twice")
        keys = _node_lines(node)
        for k in item:
            if k not in FIELDS:
                close = difflib.get_close_matches(str(k), FIELDS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise TpScenarioError(
                    f"{_location(file, keys.get(str(k), (line0,))[0])}: scenario {label!r}: "
                    f"unknown field {k!r}{hint}; expected one of: {', '.join(FIELDS)}")
        if "name" not in item:
            raise TpScenarioError(f"{where}: scenario {label!r}: missing field 'name'")
        try:
            scn = Scenario(**item)
        except ScenarioFieldError as exc:
            head, _, sub = exc.field.partition(".")
            line = keys.get(head, (line0, None))[0]
            if sub and head in keys:
                line = _node_lines(keys[head][1]).get(sub, (line,))[0]
            raise TpScenarioError(f"{_location(file, line)}: {exc}") from exc
        if scn.name in names:
            raise TpScenarioError(f"{where}: scenario {scn.name!r}, field 'name': used twice "
                                  f"(first on line {names[scn.name]})")
        names[scn.name] = line0
        out.append(scn)
    return out


def scenario_table(scenarios: list[Scenario] | None = None) -> pd.DataFrame:
    """The scenarios side by side: ``scenario, kind, base, start, description`` (default: the
    built-ins)."""
    scns = load_scenarios() if scenarios is None else scenarios
    return pd.DataFrame({"scenario": [s.name for s in scns], "kind": [s.kind for s in scns],
                         "base": [s.base for s in scns],
                         "start": pd.array([s.start for s in scns], dtype="Int64"),
                         "description": [s.description for s in scns]})
