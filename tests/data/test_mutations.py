"""The mutation suite: hundreds of mutated copies of the real input files (issue 9).

Each variant is either read to exactly what a plain, careful pandas reading of the intended
content gives, or refused with a TpDataError that names the right line (or JSON row) and
column. No silent change, no traceback: any other exception fails the test. The variants are
built in code (``mutations.py``, ``mutation_sources.py``) from small slices of the real files
in ``../shared`` (DUO and published figures; skipped without it) and of the project's own
series, targets and mapping files.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from mutations import Read, Refused, Variant, shared_available, sources, variants_of

from tpforecast.errors import TpDataError

SOURCES = {source.kind: source for source in sources()}
VARIANTS = variants_of(list(SOURCES.values()))


def _marks(variant: Variant) -> list[pytest.MarkDecorator]:
    needs_shared = variant.source.startswith(("duo", "figures"))
    return [pytest.mark.shared] if needs_shared else []


@pytest.mark.parametrize(
    "variant", [pytest.param(v, id=v.id, marks=_marks(v)) for v in VARIANTS])
def test_variant(variant: Variant, tmp_path: Path) -> None:
    source = SOURCES[variant.source]
    path = tmp_path / variant.filename
    path.write_bytes(variant.content)
    expect = variant.expect
    if isinstance(expect, Read):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = source.read(path)
        source.assert_same(got, source.careful(expect.content, expect.lines))
        return
    assert isinstance(expect, Refused)
    with pytest.raises(TpDataError) as err:
        source.read(path)
    error = err.value
    assert error.file == str(path), str(error)
    assert error.column == expect.column, str(error)
    assert (error.line, error.row) == (expect.line, expect.row), str(error)
    assert re.search(expect.match, str(error)), str(error)


def test_enough_variants() -> None:
    kinds = {v.source.split("_")[0] for v in VARIANTS}
    assert len(VARIANTS) >= (250 if shared_available() else 80)
    assert {"series", "targets", "mapping", "scenarios", "study"} <= kinds
    assert sum(v.source in ("scenarios", "study") for v in VARIANTS) >= 40
    if shared_available():
        assert {"duo", "figures"} <= kinds
        assert any(v.source.startswith("duo_json") for v in VARIANTS)
    both = {type(v.expect) for v in VARIANTS}
    assert both == {Read, Refused}
