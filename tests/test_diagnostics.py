"""Diagnostics: the exact text users see, plus the JSON and GitHub forms.

Golden files in tests/diagnostics/ were read and approved by hand; regenerate with
``SEGDSL_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import segdsl
from segdsl import codes, render
from segdsl.project import build_program, read_sources

HERE = Path(__file__).parent / "diagnostics"
UPDATE = os.environ.get("SEGDSL_UPDATE_GOLDEN") == "1"

GROUPS = {
    "syntax": ["syntax.seg"],
    "names": ["names.seg"],
    "types": ["types.seg"],
    "three_mistakes": ["three_mistakes.seg"],
    "cycle": ["cycle_a.seg", "cycle_b.seg", "cycle_c.seg"],
    "values": ["values.seg"],
    "windows_after_where": ["windows_after_where.seg"],
    "broken_duplicate": ["broken_duplicate.seg"],
    "too_deep": ["too_deep.seg"],
}


def _relative(path: str) -> str:
    return str(Path(path).relative_to(HERE.parent.parent))


def _diagnostics(schema, files: list[str], dialect: str | None = None):
    sources, problems = read_sources([str(HERE / f) for f in files])
    assert not problems
    # paths relative to the repo, so goldens do not depend on where the checkout lives
    sources = [(_relative(p), t) for p, t in sources]
    program = build_program(sources, schema, segdsl.dialects.get(dialect) if dialect else None)
    return sorted(program.diagnostics + program.dialect_diagnostics(), key=lambda d: d.sort_key())


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_golden_text(example_schema, group: str) -> None:
    actual = render.text_report(_diagnostics(example_schema, GROUPS[group])) + "\n"
    path = HERE / f"{group}.txt"
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_golden_trait_cycle() -> None:
    """A loop of three traits: reported once, at the closing reference, with each trait's."""
    from segdsl.schema import read_schema

    schema, problems = read_schema(_relative(str(HERE / "trait_cycle.yml")))
    assert schema is not None and not problems
    found = _diagnostics(schema, ["trait_cycle.seg"])
    actual = render.text_report(found) + "\n"
    path = HERE / "trait_cycle.txt"
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
    (cycle,) = [d for d in found if d.code == "SEG133"]
    assert "big_spender → loyal → regular → big_spender" in cycle.message
    assert [n.split(": ", 1)[1] for n in cycle.notes] == [
        "trait 'big_spender' uses 'loyal' here", "trait 'loyal' uses 'regular' here",
        "trait 'regular' uses 'big_spender' here"]
    assert [n.split(":")[1:3] for n in cycle.notes] == [["7", "16"], ["8", "10"], ["9", "12"]]


def test_values_golden_flags_each_mistake_and_not_the_whole_day_range(example_schema) -> None:
    found = _diagnostics(example_schema, GROUPS["values"])
    by_line = {d.span.line: d.code for d in found}
    assert by_line == {2: "SEG113", 3: "SEG113", 4: "SEG115", 5: "SEG115", 6: "SEG115", 7: "SEG115",
                       8: "SEG120", 9: "SEG120", 10: "SEG120", 11: "SEG114"}
    quoted = next(d for d in found if d.span.line == 7)
    assert quoted.line_text[quoted.span.column - 1:quoted.span.end_column - 1] == "(?="


def test_duplicate_of_a_broken_segment_is_reported(example_schema) -> None:
    found = _diagnostics(example_schema, GROUPS["broken_duplicate"])
    assert [(d.code, d.span.line) for d in found] == [("SEG001", 3), ("SEG131", 4)]
    assert found[1].hint == "the first definition is at tests/diagnostics/broken_duplicate.seg:3"


def test_three_mistakes_all_reported(example_schema) -> None:
    found = _diagnostics(example_schema, ["three_mistakes.seg"])
    assert [(d.code, d.span.line, d.span.column) for d in found] == [
        ("SEG101", 2, 9), ("SEG112", 3, 18), ("SEG111", 4, 24)]


def test_cycle_across_three_files_names_every_location(example_schema) -> None:
    (cycle,) = [d for d in _diagnostics(example_schema, GROUPS["cycle"]) if d.code == "SEG132"]
    assert "a → b → c → a" in cycle.message
    assert [n.split(":")[0] for n in cycle.notes] == [
        "tests/diagnostics/cycle_a.seg", "tests/diagnostics/cycle_b.seg", "tests/diagnostics/cycle_c.seg"]


def test_dialect_refusal(example_schema) -> None:
    found = _diagnostics(example_schema, ["sqlite_regex.seg"], dialect="sqlite")
    assert [d.code for d in found] == ["SEG140"]
    assert "sqlite" in found[0].message
    assert _diagnostics(example_schema, ["sqlite_regex.seg"], dialect="duckdb") == []


def test_json_and_github_forms(example_schema) -> None:
    found = _diagnostics(example_schema, ["three_mistakes.seg"])
    data = json.loads(render.json_report(found))
    assert data[0]["code"] == "SEG101" and data[0]["line"] == 2 and data[0]["column"] == 9
    assert data[0]["hint"] == "did you mean 'age'?"
    lines = render.github_report(found).splitlines()
    assert lines[0] == ("::error file=tests/diagnostics/three_mistakes.seg,line=2,col=9,endLine=2,"
                        "endColumn=13,title=SEG101::unknown field 'agee' (hint: did you mean 'age'?)")


def test_github_escapes_newlines_and_percent() -> None:
    from segdsl.diagnostics import Diagnostic
    from segdsl.syntax import Span

    diagnostic = Diagnostic("SEG001", "error", "50% off\nnext", "a,b:c.seg", Span(0, 1, 1, 1, 1, 2))
    assert render.github(diagnostic) == (
        "::error file=a%2Cb%3Ac.seg,line=1,col=1,endLine=1,endColumn=2,title=SEG001::50%25 off%0Anext")


def test_every_emitted_code_is_registered() -> None:
    emitted = set()
    for path in (Path(__file__).parent.parent / "segdsl").rglob("*.py"):
        emitted |= set(re.findall(r'"(SEG\d{3})"', path.read_text(encoding="utf-8")))
    assert emitted - set(codes.CODES) == set()
    for code in codes.CODES:
        assert codes.explain(code)


def test_golden_files_cover_codes() -> None:
    """Every seg-file diagnostic code appears in at least one approved golden."""
    text = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("*.txt"))
    for code in ["SEG001", "SEG002", "SEG004", "SEG005", "SEG101", "SEG102", "SEG103", "SEG104", "SEG110",
                 "SEG111", "SEG112", "SEG113", "SEG114", "SEG115", "SEG116", "SEG117", "SEG118",
                 "SEG119", "SEG120", "SEG130", "SEG131", "SEG132", "SEG133"]:
        assert f"[{code}]" in text, code


def test_caret_stays_on_the_line_and_under_wide_characters() -> None:
    """A span running past its line (a whole-file problem) is underlined to the line's end only;
    after CJK text (two terminal columns per character) the caret is still under the mistake."""
    from segdsl.diagnostics import Source, make
    from segdsl.syntax import Span

    source = Source("s.yml", "just some text\nmore\n")
    whole = make("SEG202", "not a mapping", source, Span(0, 19, 1, 1, 2, 5))
    assert render.text(whole).splitlines()[3] == "  | " + "^" * len("just some text")
    source = Source("c.seg", 'city = "東京" and agee > 3\n')
    start = source.text.index("agee")
    wide = make("SEG101", "unknown field", source, Span(start, start + 4, 1, start + 1, 1, start + 5))
    line, caret = render.text(wide).splitlines()[2:4]
    assert caret == "  | " + " " * (start + 2) + "^^^^"  # 東京 take four columns, not two
    assert line == '1 | city = "東京" and agee > 3'


def test_a_long_line_is_shown_around_the_mistake() -> None:
    """Ten thousand conditions on one line: each diagnostic shows ~120 characters around its own
    condition, not the whole line (which made the output quadratic in the segment's length)."""
    from segdsl.diagnostics import Source, make
    from segdsl.syntax import Span

    text = " and ".join(f"age > {i}" for i in range(10_000))
    source = Source("w.seg", text + "\n")
    start = text.index("age > 5000 ")
    found = make("SEG402", "implied", source, Span(start, start + 10, 1, start + 1, 1, start + 11))
    line, caret = render.text(found).splitlines()[2:4]
    assert len(line) < 140 and line.startswith("1 | …") and line.endswith("…")
    shown = line[len("1 | "):]
    under = caret[len("  | "):]
    assert shown[len(under) - 10:len(under)] == "age > 5000" and under.endswith("^" * 10)
    first = make("SEG402", "implied", source, Span(0, 7, 1, 1, 1, 8))
    assert render.text(first).splitlines()[2].startswith("1 | age > 0 and age > 1")


def test_json_keeps_a_long_line_short_too() -> None:
    from segdsl.diagnostics import Source, make
    from segdsl.syntax import Span

    text = " and ".join(f"age > {i}" for i in range(10_000))
    start = text.index("age > 5000 ")
    found = make("SEG402", "implied", Source("w.seg", text), Span(start, start + 10, 1, start + 1, 1, start + 11))
    shown = render.as_dict(found)
    assert (shown["line"], shown["column"]) == (1, start + 1)
    assert isinstance(shown["source_line"], str) and "age > 5000" in shown["source_line"]
    assert len(shown["source_line"]) < 130
def test_a_trait_cannot_use_a_segment() -> None:
    """Traits are checked with the schema, where no segment exists: the message says so
    instead of calling a segment that the files do define unknown."""
    schema = segdsl.load_schema({"table": "t", "key": "id", "fields": {"age": "int"},
                                 "traits": {"x": "age > 3 and not in segment a"}})
    program = build_program([("a.seg", "segment a where age > 1\nsegment b where x\n")], schema)
    assert [(d.code, d.message) for d in program.errors] == [("SEG130", "a trait cannot use 'in segment a'")]
    assert "write the condition itself in the trait" in (program.errors[0].hint or "")
