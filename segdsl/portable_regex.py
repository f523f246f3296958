"""The portable subset of regular expressions accepted by ``matches``.

Each engine brings its own regex library: RE2 (DuckDB, ClickHouse, BigQuery), Java (Spark,
Databricks, Trino), POSIX ARE (PostgreSQL; Redshift and Snowflake are POSIX-style too),
ICU (MySQL), PCRE (MariaDB), and Python's ``re`` in the reference evaluator. A pattern that
Python accepts can still fail, or match differently, on the warehouse, so the checker first
compiles it with ``re`` (syntax errors) and then scans it here for anything outside the
subset that all of them read the same way. docs/language.md lists the subset.

The scan assumes ``re.compile`` has already accepted the pattern (brackets balance, every
quantifier follows something).
"""

from __future__ import annotations

import re
import string

from segdsl.node import Node

_PUNCTUATION = frozenset(string.punctuation)
# Python, PostgreSQL and Java read \d \w \s with Unicode (or locale) classes, RE2 with ASCII.
_CLASSES = {"d": "[0-9]", "w": "[A-Za-z0-9_]", "s": "[ \\t\\r\\n]",
            "D": "[^0-9]", "W": "[^A-Za-z0-9_]", "S": "[^ \\t\\r\\n]"}
_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")
MAX_REPEAT = 255  # RE_DUP_MAX of POSIX engines (PostgreSQL); RE2 allows 1000


class Problem(Node):
    """A construct outside the portable subset, at ``pattern[start:end]``."""

    start: int
    end: int
    message: str
    hint: str


def portability_problem(pattern: str) -> Problem | None:
    """The first construct of ``pattern`` that not every engine reads the same way, or None."""
    i, after_atom = 0, False
    while i < len(pattern):
        char = pattern[i]
        problem: Problem | None = None
        if char == "\\":
            problem = _escape(pattern, i, in_class=False)
            i, after_atom = i + 2, True
        elif char == "[":
            problem, i = _char_class(pattern, i)
            after_atom = True
        elif char == "(":
            problem = _group(pattern, i)
            i, after_atom = i + 1, False
        elif char in "*+?":
            problem = _quantifier_suffix(pattern, i, i + 1)
            i, after_atom = i + 1, False
        elif char == "{":
            problem, i = _braces(pattern, i, after_atom)
            after_atom = False
        elif char in "}]":
            problem = Problem(i, i + 1, f"a lone '{char}' is read differently by different engines",
                              f"write \\{char} for the character itself")
        else:
            i, after_atom = i + 1, char != "|"
            continue
        if problem is not None:
            return problem
    return None


def _escape(pattern: str, i: int, in_class: bool) -> Problem | None:
    letter = pattern[i + 1] if i + 1 < len(pattern) else ""
    span = (i, i + 2)
    if not letter or letter in "tnr" or letter in _PUNCTUATION:
        return None
    if letter in _CLASSES:
        spelled = f"spell it out: {_CLASSES[letter]}"
        if in_class:
            spelled = (f"spell it out inside the brackets: {_CLASSES[letter][1:-1]}" if letter.islower()
                       else f"use an alternative instead: ({_CLASSES[letter]}|[…])")
        return Problem(*span, f"\\{letter} matches non-ASCII characters on some engines and not on "
                       "others", spelled)
    if letter in "123456789":
        return Problem(*span, f"back-reference \\{letter} is not portable: RE2 (DuckDB, ClickHouse, "
                       "BigQuery) has no back-references",
                       "match the repeated text explicitly, or use several conditions")
    if letter in "bB":
        return Problem(*span, f"\\{letter} means a word boundary on some engines and a backspace on "
                       "PostgreSQL", "spell the boundary out, e.g. (^|[^A-Za-z0-9_])word([^A-Za-z0-9_]|$)")
    if letter in "AZz":
        return Problem(*span, f"\\{letter} is not portable", "use ^ for the start and $ for the end")
    return Problem(*span, f"the escape \\{letter} is not portable",
                   "write the character itself; only \\t \\n \\r and escaped punctuation such as \\. "
                   "are portable")


def _char_class(pattern: str, i: int) -> tuple[Problem | None, int]:
    """Scan ``[...]`` from its '['; return a problem or the index after its ']'."""
    j = i + 1
    if pattern.startswith("^", j):
        j += 1
    if pattern.startswith("]", j):
        return Problem(j, j + 1, "a ']' first inside [...] is read differently by different engines",
                       "write \\] for the character itself"), j
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            problem = _escape(pattern, j, in_class=True)
            if problem is not None:
                return problem, j
            j += 2
            continue
        if pattern[j] == "[":
            return Problem(j, j + 1, "'[' inside [...] starts a nested or POSIX class on some engines",
                           "write \\[ for the character itself"), j
        pair = pattern[j:j + 2]
        if pair in ("&&", "||", "--", "~~"):
            return Problem(j, j + 2, f"'{pair}' inside [...] is a set operation on some engines",
                           "write the characters once, or escape them"), j
        j += 1
    return None, j + 1


def _group(pattern: str, i: int) -> Problem | None:
    if not pattern.startswith("(?", i):
        return None
    rest = pattern[i + 2:i + 4]
    found: tuple[int, str, str]
    if rest[:1] in ("=", "!"):
        found = (3, "lookahead", "RE2 (DuckDB, ClickHouse, BigQuery) has no lookaround; "
                 "use several conditions joined with and/not instead")
    elif rest in ("<=", "<!"):
        found = (4, "lookbehind", "RE2 (DuckDB, ClickHouse, BigQuery) has no lookaround; "
                 "use several conditions joined with and/not instead")
    elif rest == "P=":
        found = (4, "a back-reference", "RE2 (DuckDB, ClickHouse, BigQuery) has no back-references")
    elif rest[:1] == "<" or rest == "P<":
        found = (3 if rest[:1] == "<" else 4, "a named group", "use plain parentheses (…)")
    elif rest[:1] == ">":
        found = (3, "an atomic group", "RE2 and PostgreSQL have no atomic groups; use plain (…)")
    elif rest[:1] == "(":
        found = (3, "a conditional", "RE2 and PostgreSQL have no conditionals; use or between conditions")
    elif rest[:1] == "#":
        found = (3, "a comment", "put the comment after the condition with #")
    elif rest[:1] == ":":
        found = (3, "a non-capturing group", "use plain parentheses (…): a yes/no match captures nothing")
    else:
        found = (2, "an inline flag", "for case-insensitive matching list both cases, e.g. [Gg]mail")
    length, what, hint = found
    shown = f"{pattern[i:i + length]}…)"
    if what == "an inline flag":
        length = pattern.find(")", i) + 1 - i if ")" in pattern[i:] else 2
        shown = pattern[i:i + length]
    return Problem(i, i + length, f"{what} '{shown}' is not portable across engines", hint)


def _quantifier_suffix(pattern: str, start: int, end: int) -> Problem | None:
    """A lazy (``*?``) or possessive (``*+``) form of the quantifier at ``pattern[start:end]``."""
    suffix = pattern[end:end + 1]
    if suffix == "?":
        return Problem(start, end + 1, f"the lazy quantifier {pattern[start:end + 1]} is not portable "
                       "(and changes nothing in a yes/no match)", "drop the '?'")
    if suffix == "+":
        return Problem(start, end + 1, f"the possessive quantifier {pattern[start:end + 1]} is not "
                       "portable: RE2 and PostgreSQL have none", "write it without the '+'")
    return None


def _braces(pattern: str, i: int, after_atom: bool) -> tuple[Problem | None, int]:
    match = _REPEAT.match(pattern, i)
    if match is None or not after_atom:
        if pattern.startswith("{,", i):
            return Problem(i, i + 2, "{,n} is a repeat on some engines and plain text on others",
                           "write {0,n}"), i
        return Problem(i, i + 1, "a '{' that is not a repeat count is read differently by "
                       "different engines", "write \\{ for the character itself"), i
    for group in (match.group(1), match.group(3)):
        if group and int(group) > MAX_REPEAT:
            return Problem(i, match.end(), f"repeat counts above {MAX_REPEAT} are not portable "
                           "(PostgreSQL's limit)", "use a smaller count, or '+'"), i
    return _quantifier_suffix(pattern, i, match.end()), match.end()
