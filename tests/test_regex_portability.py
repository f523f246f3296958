"""`matches` accepts only the regex subset every engine reads alike (segdsl/portable_regex.py).

Patterns inside the subset give the same members on every engine as Python's re.search;
constructs outside it are SEG115 with a caret under the construct, before any SQL is made.
"""

from __future__ import annotations

import re

import pytest

import segdsl
from segdsl.portable_regex import portability_problem
from tests.conftest import _selected_engines

PORTABLE = [
    "^[a-z]+@", "gmail\\.com$", "^[0-9]{3}-[0-9]{4}$", "(ann|bob)", "[A-Za-z0-9_.-]+@", "a{2,3}",
    "a{2,}", "^a{2}$", "^a*b+", "[^@]+@[^@]+\\.uk$", "\\(", "\\[br\\]", "\\{2\\}", "ë", "^zo.@",
    ".", "^$", " ", "[^ ]+ [^ ]+", "\\\\", "\\^", "\\$$", "\\?", "\\+", "[-a]b", "[a\\]]b", "x|y",
    "^(a|b)(c|d)?$", "\\t", "[\\t]", "^[A-Z]", "[0-9]{3}", "()", "a|", "[.]", "%", "_", "a{0,255}",
]
# Engines known to disagree with re.search on a portable pattern: (engine, pattern) → why.
# (DataFusion's `~ '\\\\'` matched '100%'; its lowering now uses regexp_match instead.)
KNOWN_GAPS: dict[tuple[str, str], str] = {}

TEXTS = [
    "ann@gmail.com", "bob.smith@outlook.com", "x_y@mail.co.uk", "123-4567", "a.b", "UPPER@GMAIL.COM",
    "tab\there", "zoë@example.com", "zoé@x", "١٢٣", "", "non\u00a0breaking", "(paren)", "[br]", "a{2}", "aaa", "aa", "ab", "a-b", "a]b",
    "foo bar", "back\\slash", "x^y", "dollar$", "q?", "plus+", "ac", "bd", "100%", "snake_case",
]

NOT_PORTABLE = {
    "(?<=@)gmail": "(?<=", "gmail(?=\\.)": "(?=", "(?!x)a": "(?!", "(?<!x)a": "(?<!",
    "(a)\\1": "\\1", "(?P<n>a)(?P=n)": "(?P<", "a*+": "*+", "a++": "++",
    "(?>a)": "(?>", "(a)(?(1)b|c)": "(?(", "(?i)abc": "(?i)", "(?:ab)": "(?:", "a+?": "+?",
    "a{2}?": "{2}?", "\\bfoo": "\\b", "\\Afoo": "\\A", "foo\\Z": "\\Z", "\\x41": "\\x",
    "\\u00e9": "\\u", "[\\D]": "\\D", "[]a]": "]", "[a[b]": "[", "[[:alpha:]]": "[", "[a&&b]": "&&",
    "a{300}": "{300}", "a{": "{", "a}": "}", "a]": "]", "a{,3}": "{,", "(?#c)x": "(?#",
    "\\ ": "\\ ", "\\é": "\\é", "\\0": "\\0", "(?s).": "(?s)", "\\d+": "\\d", "[\\w.]+@": "\\w",
    "a\\sb": "\\s", "[^\\S]": "\\S", "\\W": "\\W", "\\D": "\\D",
}


@pytest.mark.parametrize("pattern", PORTABLE)
def test_portable_patterns_are_accepted(example_schema, pattern: str) -> None:
    re.compile(pattern)
    assert portability_problem(pattern) is None
    assert segdsl.check(f"email matches '{pattern}'", example_schema) == []


@pytest.mark.parametrize("pattern", sorted(NOT_PORTABLE))
def test_non_portable_constructs_are_refused_at_the_construct(example_schema, pattern: str) -> None:
    text = f"email matches '{pattern}'"
    (found,) = segdsl.check(text, example_schema)
    assert found.code == "SEG115" and found.hint
    assert text[found.span.column - 1:found.span.end_column - 1] == NOT_PORTABLE[pattern]


def test_python_syntax_errors_are_still_reported(example_schema) -> None:
    (found,) = segdsl.check("email matches '(['", example_schema)
    assert found.code == "SEG115" and found.message.startswith("invalid regular expression")


def test_duckdb_really_rejects_lookbehind() -> None:
    """Why: Python's re accepts these, and the RE2 engines fail at run time."""
    import duckdb

    with pytest.raises(duckdb.Error):
        duckdb.sql("SELECT regexp_matches('ab', '(?<=a)b')").fetchall()


@pytest.mark.parametrize("engine_name", [n for n in _selected_engines() if n != "sqlite"])
def test_portable_patterns_mean_the_same_on_every_engine(example_schema, engine_name: str) -> None:
    from tests.engines import engine_or_skip

    engine = engine_or_skip(engine_name)
    rows = [{"customer_id": i, "email": text} for i, text in enumerate(TEXTS, 1)]
    engine.load(example_schema, rows, {})
    wrong = {}
    for pattern in PORTABLE:
        sql = segdsl.compile(f"email matches '{pattern}'", example_schema, dialect=engine.dialect)
        expected = {i for i, text in enumerate(TEXTS, 1) if re.search(pattern, text)}
        got = engine.members(sql)
        if got != expected:
            wrong[pattern] = sorted(TEXTS[i - 1] for i in got ^ expected)
    known = {pattern for engine, pattern in KNOWN_GAPS if engine == engine_name}
    assert set(wrong) - known == set(), f"{engine_name} differs from re.search on: {wrong}"
    assert known <= set(wrong), f"{engine_name} now agrees on {known - set(wrong)}: drop it from KNOWN_GAPS"
