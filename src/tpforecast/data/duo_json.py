"""DUO open data as JSON: records or columns, turned into the header and records of a CSV.

JSON input is either an array of records whose keys are the CSV headers (pandas
``orient="records"``) or an object of columns (pandas ``orient="columns"``:
``{header: {index: value}}``). Errors name the 1-based record (``row``) instead of a line;
after this step a JSON file goes through exactly the same checks as a CSV file.
"""

from __future__ import annotations

import json
from typing import Any

from tpforecast.data.inputs import Delimited, Text
from tpforecast.errors import TpDataError

__all__ = ["looks_like_json", "parse_json"]

_RECORDS = ('a non-empty array of records [{"HEADER": value, ...}, ...] '
            'or an object of columns {"HEADER": {"0": value, ...}, ...}')


def looks_like_json(source: Text) -> bool:
    """A ``.json`` name, or text that starts with ``[`` or ``{``."""
    name = source.path.name.lower().removesuffix(".gz")
    return name.endswith(".json") or source.text.lstrip()[:1] in ("[", "{")


def parse_json(source: Text) -> Delimited:
    """Header (the keys of the first record) and records as stripped text; ``lines`` = rows."""
    path = source.path
    try:
        data = json.loads(source.text)
    except json.JSONDecodeError as exc:
        raise TpDataError(f"malformed JSON ({exc.msg}); a cut-off file ends like this",
                          file=path, line=exc.lineno, column=f"char {exc.colno}",
                          expected=_RECORDS) from exc
    if isinstance(data, dict) and data and all(isinstance(v, dict | list) for v in data.values()):
        data = _columns_to_records(data, path)
    if not isinstance(data, list) or not data:
        raise TpDataError("JSON holds no records", file=path, row=1, column="(json)",
                          value=type(data).__name__, expected=_RECORDS)
    header = _header(data[0], path)
    records = [_record(record, header, number, path)
               for number, record in enumerate(data, start=1)]
    return Delimited(header, records, list(range(1, len(records) + 1)), 0, source.notes)


def _columns_to_records(data: dict[str, Any], path: object) -> list[dict[str, Any]]:
    columns = {name: (values if isinstance(values, dict) else dict(enumerate(values)))
               for name, values in data.items()}
    index = list(dict.fromkeys(key for values in columns.values() for key in values))
    for name, values in columns.items():
        absent = [number for number, key in enumerate(index, start=1) if key not in values]
        if absent:  # a missing entry is not an empty cell: never read it as 0
            raise TpDataError("JSON column lacks an entry that other columns have", file=path,
                              row=absent[0], column=name, value=index[absent[0] - 1],
                              expected="an entry (a value or null) for every record in every "
                                       "column")
    return [{name: values[key] for name, values in columns.items()} for key in index]


def _header(first: Any, path: object) -> list[str]:
    if not isinstance(first, dict):
        raise TpDataError("JSON record is not an object", file=path, row=1, column="(json)",
                          value=str(first)[:80], expected='an object {"HEADER": value, ...}')
    names = [str(key).strip() for key in first]
    for position, name in enumerate(names, start=1):
        if not name:
            raise TpDataError(f"empty column name (key {position} of record 1)", file=path,
                              row=1, column=f"#{position}", expected="a name for every key")
        if names.index(name) != position - 1:
            raise TpDataError("duplicate key after stripping spaces", file=path, row=1,
                              column=name, expected="each key once")
    return names


def _record(record: Any, header: list[str], number: int, path: object) -> list[str]:
    if not isinstance(record, dict):
        raise TpDataError("JSON record is not an object", file=path, row=number,
                          column="(json)", value=str(record)[:80],
                          expected='an object {"HEADER": value, ...}')
    stripped = {str(key).strip(): value for key, value in record.items()}
    missing = [name for name in header if name not in stripped]
    extra = [key for key in stripped if key not in header]
    if missing or extra:
        raise TpDataError("JSON record has other keys than the first record", file=path,
                          row=number, column=(missing or extra)[0], value=sorted(missing + extra),
                          expected=f"the keys of record 1: {header}")
    return [_text(stripped[name], number, name, path).strip() for name in header]


def _text(value: Any, number: int, name: str, path: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, list | dict):
        raise TpDataError("JSON value is not text or a number", file=path, row=number,
                          column=name, value=value, expected="a string, a number or null")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)  # a fractional count is refused later, with its row and column
    return str(value)
