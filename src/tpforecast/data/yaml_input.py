"""Reading a YAML settings file (``data/study.yml``, scenario files) with the shared text rules.

The bytes go through :func:`~tpforecast.data.inputs.read_text` like every other input (missing,
empty, binary, compressed, UTF-16 and mixed or wrong encodings are handled there), then the
text must end with a line break (a file without one may be cut off inside its last value) and
parse as YAML. Every problem is a :class:`~tpforecast.errors.TpDataError` (or the subclass the
caller names) with the file, the line and, as ``column``, the key on that line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tpforecast.data.inputs import read_text
from tpforecast.errors import TpDataError, TpFileNotFoundError

__all__ = ["YamlFile", "duplicate_key", "key_on_line", "node_lines", "read_yaml"]

_KEY = re.compile(r"^\s*(?:-\s+)*([^\s:#'\"][^:#]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")


@dataclass(frozen=True)
class YamlFile:
    """A parsed YAML file: the plain data, the node tree (for lines) and the text."""

    path: Path
    data: Any
    root: Any
    text: str


def key_on_line(text: str, line: int | None) -> str | None:
    """The mapping key written on physical ``line`` (1-based) of ``text``, if any."""
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    found = _KEY.match(lines[line - 1])
    return found.group(1).strip("'\"") if found else None


def read_yaml(path: str | Path, *, what: str,
              error: type[TpDataError] = TpDataError) -> YamlFile:
    """Read and parse a YAML file; every problem names the file, line and key.

    Parameters
    ----------
    path
        The file.
    what
        What the file should be, for messages (``"a scenario file (YAML)"``).
    error
        The :class:`~tpforecast.errors.TpDataError` subclass to raise (a missing file stays a
        :class:`~tpforecast.errors.TpFileNotFoundError` when ``error`` is the default).

    Raises
    ------
    TpDataError
        A missing, empty, binary or wrongly encoded file (as :func:`read_text`), a last line
        without line break, or text that is not valid YAML.
    """
    import yaml

    path = Path(path)
    try:
        source = read_text(path, what=what)
    except TpDataError as exc:
        if error is TpDataError:
            cls: type[TpDataError] = type(exc)
        else:
            cls = error
        if isinstance(exc, TpFileNotFoundError):
            raise cls(exc.problem, file=exc.file, expected=exc.expected) from exc
        column = exc.column
        if exc.line is not None and exc.line > 1:
            raw = path.read_bytes().decode("utf-8", errors="replace")
            column = key_on_line(raw, exc.line) or "(line)"
        raise cls(exc.problem, file=exc.file, line=exc.line, column=column, value=exc.value,
                  expected=f"{what} as UTF-8 text (in an editor: save as UTF-8)") from exc
    content = source.text
    lines = content.splitlines()
    if not content.endswith(("\n", "\r")):
        raise error("the file ends inside a line (no line break after the last line): it may "
                    "be cut off, which would change the last value", file=path, line=len(lines),
                    column=key_on_line(content, len(lines)) or "(line)", value=lines[-1][-40:],
                    expected="a whole file whose last line ends with a line break (if the "
                             "line is complete, add the line break)")
    try:
        root = yaml.compose(content, Loader=yaml.SafeLoader)
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"not valid YAML ({problem})", file=path, line=line,
                    column=key_on_line(content, line) or "(line)",
                    expected=f"{what}: 'key: value' lines, lists as '- item' or [a, b]"
                    ) from exc
    return YamlFile(path, data, root, content)


def node_lines(node: Any) -> dict[str, tuple[int, Any]]:
    """key -> (line of the key, value node) of a YAML mapping node (first of duplicates)."""
    import yaml

    out: dict[str, tuple[int, Any]] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.setdefault(str(k.value), (k.start_mark.line + 1, v))
    return out


def duplicate_key(node: Any, trail: tuple[str, ...] = ()) -> tuple[str, int] | None:
    """The first mapping key given twice below ``node``: (dotted key, line), or None.

    YAML parsers keep the last of two equal keys without a word; every YAML reader of the
    package refuses them with this check.
    """
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            kv = str(k.value)
            if kv in seen:
                return ".".join((*trail, kv)), k.start_mark.line + 1
            seen.add(kv)
            found = duplicate_key(v, (*trail, kv))
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            found = duplicate_key(v, trail)
            if found:
                return found
    return None
