"""Text → AST. The only module that knows about Lark.

The grammar ships inside the package (``segdsl/segdsl.lark``) and the LALR parser is built
once per process, with Lark's grammar cache. The AST is built while parsing (Lark calls
:class:`_ToAst` on every reduction; no parse tree is made and walked again), and tokens come
from :class:`_KeywordAwareLexer`, one compiled scanner instead of one per parser state.
Syntax errors become plain-English diagnostics (never Lark terminal names); after an error
the parser resumes at the next ``segment`` line, so one run reports the mistakes in every
segment of a file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.common import LexerConf
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import BasicLexer, Lexer, LexerState

from segdsl import syntax as s
from segdsl.diagnostics import Diagnostic, Source, did_you_mean, make
from segdsl.limits import MAX_NESTING, too_deep

_SEGMENT_START = re.compile(r"^[ \t]*segment\s+(\S+)\s+(?:where|description)\b", re.MULTILINE)
_BOM = "\ufeff"
_NAME_OK = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _KeywordAwareLexer(Lexer):
    """Lark's scanner over every terminal, compiled once, with keywords that yield to names.

    Lark's contextual lexer compiles one scanner per parser state (18 regex compilations,
    ~10 ms, paid by every ``segdsl check`` process). This lexer compiles one and gets the
    same tokens: the only context that matters here is a keyword where the parser wants a
    name (``in segment top``, ``orders.count``), and that word is then read as a name.
    """

    __future_interface__ = 2

    def __init__(self, conf: LexerConf) -> None:
        self._scanner = BasicLexer(conf)
        self._keywords = frozenset(t.name for t in conf.terminals
                                   if t.pattern.type == "str" and t.pattern.value.isalpha())

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        states = parser_state.parse_conf.parse_table.states
        scanner, keywords = self._scanner, self._keywords
        while True:
            try:
                token = scanner.next_token(lexer_state, parser_state)
            except EOFError:
                return
            except UnexpectedCharacters as error:
                error.allowed = set(states[parser_state.position])
                raise
            if token.type in keywords:
                accepts = states[parser_state.position]
                if token.type not in accepts and "NAME" in accepts:
                    token.type = "NAME"
            yield token


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer=_KeywordAwareLexer,
        transformer=_ToAst(),
        keep_all_tokens=True,  # punctuation stays in the children, so spans cover it
        maybe_placeholders=False,
        cache=True,
    )


def grammar_text() -> str:
    """The grammar as installed with the package (not from the source tree).

    Read beside this module with plain ``open``: ``importlib.resources`` would add ~3 ms of
    imports to every start-up, and segdsl is not meant to run from a zip file.
    """
    with open(os.path.join(os.path.dirname(__file__), "segdsl.lark"), encoding="utf-8") as file:
        return file.read()


def parse_file(text: str, path: str) -> tuple[s.SegmentFile, list[Diagnostic]]:
    """Parse a whole .seg file. A bare expression becomes one segment named after the file.

    A file of segments is cut at each ``segment NAME where|description`` line and every
    piece is parsed on its own, so a mistake in one segment does not hide the others.
    A leading byte-order mark (some Windows editors save one) is dropped, so positions are
    those an editor shows. A segment nested deeper than ``limits.MAX_NESTING`` is reported
    (SEG005) and left out, like one with a syntax error: no later stage has to walk it.
    """
    text = text[1:] if text.startswith(_BOM) else text
    source = Source(path, text)
    starts = [m.start() for m in _SEGMENT_START.finditer(text)]
    if not starts:
        return _parse_bare(text, path, source)
    segments: list[s.Segment] = []
    diagnostics: list[Diagnostic] = []
    bounds = list(zip(starts, [*starts[1:], len(text)], strict=True))
    if _has_content(text[: starts[0]]):
        bounds.insert(0, (0, starts[0]))
    blank = _BLANK.sub(" ", text) if len(bounds) > 1 else text  # once per file, not per piece
    for begin, end in bounds:
        piece = text if (begin, end) == (0, len(text)) else blank[:begin] + text[begin:end]
        try:
            result: Any = _lark().parse(piece)
        except UnexpectedInput as error:
            diagnostics.append(_syntax_diagnostic(error, piece, source))
            continue
        if isinstance(result, list):
            segments.extend(seg for seg in result if _shallow(seg.expr, source, diagnostics))
        else:
            diagnostics.append(make(
                "SEG001", "a file with segments can only hold segments; this condition is outside any",
                source, _expr_span(result), "start it with 'segment NAME where …'"))
    return s.SegmentFile(path, text, tuple(segments)), diagnostics


def _parse_bare(text: str, path: str, source: Source) -> tuple[s.SegmentFile, list[Diagnostic]]:
    try:
        result: Any = _lark().parse(text)
    except UnexpectedInput as error:
        return s.SegmentFile(path, text, ()), [_syntax_diagnostic(error, text, source)]
    if isinstance(result, list):  # pragma: no cover - only without a segment line
        return s.SegmentFile(path, text, tuple(result)), []
    diagnostics: list[Diagnostic] = []
    if not _shallow(result, source, diagnostics):
        return s.SegmentFile(path, text, ()), diagnostics
    segment = s.Segment(s.Name(implicit_name(path), s.Span.point()), None, result, _expr_span(result), True)
    return s.SegmentFile(path, text, (segment,)), []


def implicit_name(path: str) -> str:
    """The name of a bare-expression file's segment: the file name without .seg."""
    stem = os.path.splitext(os.path.basename(path))[0] if path not in ("", "-", "<expr>", "<stdin>") else "segment"
    return stem if _NAME_OK.match(stem) else (re.sub(r"\W", "_", stem) or "segment")


def segment_headers(text: str) -> list[s.Name]:
    """The name of every ``segment NAME where|description`` line, parsed or not.

    The checker uses these to know which names a file defines even where a segment has a
    syntax error, so a duplicate name is still reported and a reference to it is no mistake.
    """
    names = []
    for match in _SEGMENT_START.finditer(text):
        start, end = match.span(1)
        line, column = _line_col(text, start)
        written = match.group(1)
        name = written[1:-1] if written.startswith("`") and written.endswith("`") else written
        names.append(s.Name(name, s.Span(start, end, line, column, line, column + end - start)))
    return names


def _shallow(expr: s.Expr, source: Source, diagnostics: list[Diagnostic]) -> bool:
    """False (with a SEG005) when ``expr`` nests deeper than the documented limit."""
    deep = too_deep(expr)
    if deep is None:
        return True
    span = deep.span
    line_end = source.text.find("\n", span.start)
    end = span.end if span.end_line == span.line else (line_end if line_end >= 0 else len(source.text))
    point = s.Span(span.start, end, span.line, span.column, span.line, span.column + end - span.start)
    diagnostics.append(make(
        "SEG005", f"this condition is nested more than {MAX_NESTING} levels deep", source, point,
        f"segdsl reads at most {MAX_NESTING} levels of not/and/or; flatten it: 'not not X' is X, "
        "and a chain of only 'and' (or only 'or') needs no parentheses"))
    return False


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


# Each segment of a file is parsed on its own, after the text before it blanked out (newlines
# kept), so that line, column and offset of every token stay those of the whole file.
_BLANK = re.compile(r"[^\n]")


@lru_cache(maxsize=1024)
def parse_expression(text: str, path: str = "<expr>") -> tuple[s.Expr | None, list[Diagnostic]]:
    """Parse one expression (a trait, a -e argument). Returns None when it has errors.

    Cached: traits are parsed again for every program, and the AST is immutable.
    """
    parsed, diagnostics = parse_file(text, path)
    if diagnostics:
        return None, diagnostics
    if len(parsed.segments) != 1 or not parsed.segments[0].implicit:
        span = parsed.segments[0].span if parsed.segments else s.Span.point()
        return None, [
            make("SEG001", "expected an expression here, not a segment definition",
                 Source(path, text), span)
        ]
    return parsed.segments[0].expr, []


# ---- errors -----------------------------------------------------------------------

_VALUE_TERMINALS = {"INT", "NUMBER", "STRING", "DATE", "TIMESTAMP", "TRUE", "FALSE", "NULL"}
_UNITS = {"DAY", "DAYS", "WEEK", "WEEKS", "MONTH", "MONTHS", "YEAR", "YEARS"}
_FRIENDLY = {
    "NAME": "a field name",
    "QUOTED_NAME": "a field name",
    "STRING": "a quoted text such as 'abc'",
    "INT": "a whole number",
    "NUMBER": "a number",
    "DATE": "a date such as 2024-01-01",
    "TIMESTAMP": "a timestamp such as 2024-01-01T10:30:00",
    "COMPARE": "a comparison (=, !=, <, <=, >, >=)",
    "RANGE": "'..'",
    "PERCENT": "'%'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "DOT": "'.'",
    "$END": "the end of the text",
}


def _describe_expected(expected: set[str]) -> str:
    names = set(expected)
    if len(names & _VALUE_TERMINALS) >= 3:
        return "a value such as 42, 'text' or 2024-01-01"
    if "COMPARE" in names and "IS" in names:
        return "a condition such as '>= 18', \"= 'UK'\", 'in (…)' or 'is null'"
    if names & _UNITS:
        return "a time unit (days, weeks, months or years)"
    if {"SUM", "COUNT", "NAME"} <= names:
        return "a condition such as \"age >= 18\", \"has orders\" or \"count(orders) > 2\""
    words = []
    for name in sorted(names, key=lambda n: (n == "$END", n)):
        if name in _FRIENDLY:
            words.append(_FRIENDLY[name])
        elif name.isalpha():
            words.append(f"'{name.lower()}'")
    words = list(dict.fromkeys(words))
    if not words:
        return "something else"
    if len(words) > 6:
        words = [*words[:6], "…"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _error_pos(error: UnexpectedInput, text: str) -> int:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return len(_strip_trailing(text))
    pos = getattr(error, "pos_in_stream", None)
    return pos if isinstance(pos, int) else len(text)


def _acceptable(error: UnexpectedToken) -> set[str]:
    """Terminals that really fit here (LALR's own list is widened by merged states)."""
    interactive = error.interactive_parser
    if interactive is not None:
        try:
            accepted = set(interactive.accepts())  # type: ignore[no-untyped-call]
        except Exception:
            accepted = set()
        if accepted:
            return accepted
    return set(error.expected)


def _previous_token(text: str, pos: int) -> str | None:
    previous = None
    try:
        for token in _lark().lex(text[:pos], dont_ignore=False):
            previous = str(token)
    except UnexpectedInput:
        pass
    return previous


def _syntax_diagnostic(error: UnexpectedInput, text: str, source: Source) -> Diagnostic:
    pos = _error_pos(error, text)
    line, column = error.line, error.column
    if (isinstance(error, UnexpectedToken) and error.token.type == "$END") or line < 1:
        line, column = _line_col(text, pos)
    span = s.Span(pos, pos + 1, line, column, line, column + 1)
    previous = _previous_token(text, pos)
    after = f" after '{previous}'" if previous else ""
    if isinstance(error, UnexpectedCharacters):
        char = text[pos] if pos < len(text) else ""
        if char in "'\"":
            return make("SEG002", "this text has no closing quote on the same line", source, span,
                        f"end the text with {char}; a quote inside is written twice ({char}{char})")
        hint = _character_hint(text, pos)
        return make("SEG002", f"unexpected character {char!r}{after}", source, span, hint)
    if isinstance(error, UnexpectedToken):
        expected = _describe_expected(_acceptable(error))
        token = error.token
        if token.type == "$END":
            found = "but the text ended"
        else:
            found = f"found '{token}'"
            span = s.Span(pos, pos + len(str(token)), line, column, line, column + len(str(token)))
        hint = (_window_hint(text, pos) or _token_hint(str(token), previous)
                or _date_hint(text, pos))
        return make("SEG001", f"expected {expected}{after}, {found}", source, span, hint)
    if isinstance(error, UnexpectedEOF):  # pragma: no cover - LALR reports $END tokens instead
        return make("SEG001", "the text ended too early", source, span)
    return make("SEG001", "syntax error", source, span)  # pragma: no cover


def _character_hint(text: str, pos: int) -> str | None:
    two = text[pos:pos + 2]
    if two == "&&":
        return "write 'and' instead of '&&'"
    if two == "||":
        return "write 'or' instead of '||'"
    if text[pos:pos + 1] == "!":
        return "write 'not' instead of '!'"
    if text[pos:pos + 1] == "&":
        return "write 'and' instead of '&'"
    if text[pos:pos + 1] == "|":
        return "write 'or' instead of '|'"
    if text[pos:pos + 1] in _CURLY_QUOTES:
        return "use straight quotes, ' or \", around text (an editor may have curled them)"
    return None


_CURLY_QUOTES = "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb"
_UNIT_WORDS = ("days", "weeks", "months", "years")
_UNPADDED_DATE = re.compile(r"\d{4}-\d{1,2}(?:-\d{1,2})?")


_WINDOW_AT = re.compile(r"in\s+last\s+-?\d+\s+[a-z]+|(?:before|after)\s+(?:-?\d+\s+[a-z]+\s+ago|[^\s()]+)"
                        r"|between\s+[^\s()]+\s+and\s+[^\s()]+")
_FILTER_START = re.compile(r"\b(?:(?P<rows>has|no)\s+|(?:count\s+distinct|count|sum|avg|min|max)\s*\(\s*)"
                           r"(?:\w+|`[^`\n]+`)(?:\.\w+)?\s+(?P<where>where)\s+")


def _window_hint(text: str, pos: int) -> str | None:
    """A window written after a has/no/aggregate filter: show it moved before 'where'."""
    window = _WINDOW_AT.match(text, pos)
    starts = list(_FILTER_START.finditer(text, 0, pos))
    if window is None or not starts:
        return None
    start = starts[-1]
    condition = " ".join(text[start.end():pos].split())
    if not condition:
        return None
    if start.group("rows") and re.search(r"\b(?:and|or)\b", condition):
        condition = f"({condition})"
    head = " ".join(text[start.start():start.start("where")].split())
    close = "" if start.group("rows") else ")"
    moved = f"{head} {' '.join(window.group().split())} where {condition}{close}"
    return f"a window goes before 'where': {moved}"


def _token_hint(token: str, previous: str | None) -> str | None:
    if token in {"AND", "OR", "NOT", "IN", "IS", "NULL", "WHERE", "SEGMENT", "BETWEEN"}:
        return f"keywords are written in lower case: '{token.lower()}'"
    if previous == "=" and token in {">", "<"}:
        return f"did you mean '{token}='?"
    if token == "today" or (token.upper() in _UNITS and previous is not None and previous.isdigit()):
        return ("'today' and 'N days ago' name a day for 'before' or 'after': "
                "last_seen_at before 90 days ago, signup_date after today")
    if previous is not None and previous.lstrip("-").isdigit() and token.isalpha():
        unit = did_you_mean(token.lower(), _UNIT_WORDS)
        if unit:
            return f"did you mean '{unit}'?"
    if previous in {"=", "!=", "<>", "=="} and token.isidentifier():
        return f"put text values in quotes: '{token}'"
    if token in {"count", "sum", "avg", "min", "max", "in", "has", "no", "all", "any", "last"} and previous:
        return f"'{token}' is a keyword; a field with that name is written in backticks: `{token}`"
    return None


def _date_hint(text: str, pos: int) -> str | None:
    """2024-1-1: dates are written with two-digit months and days."""
    start = max(0, pos - 10)
    for match in _UNPADDED_DATE.finditer(text, start, pos + 6):
        if match.start() <= pos <= match.end() and len(match.group()) < 10:
            return "write dates as YYYY-MM-DD, with two-digit months and days: 2024-01-01"
    return None


def _strip_trailing(text: str) -> str:
    """The text without trailing blanks and comments: where an unfinished condition ends."""
    lines = text.rstrip().splitlines()
    while lines and lines[-1].lstrip().startswith("#"):
        lines.pop()
    return "\n".join(lines).rstrip()


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, column


# ---- reductions → AST ---------------------------------------------------------------
# Lark calls these while it parses. Every child is a Token (with its position), an AST node
# (with its span), a value list ``(values, span)``, so a node's span runs from the start of
# its first child to the end of its last.


def _start(child: Any) -> tuple[int, int, int]:
    if isinstance(child, Token):
        return child.start_pos or 0, child.line or 1, child.column or 1
    span: s.Span = child[1] if isinstance(child, tuple) else child.span
    return span.start, span.line, span.column


def _end(child: Any) -> tuple[int, int, int]:
    if isinstance(child, Token):
        start = child.start_pos or 0
        return (child.end_pos or start, child.end_line or child.line or 1,
                child.end_column or child.column or 1)
    span: s.Span = child[1] if isinstance(child, tuple) else child.span
    return span.end, span.end_line, span.end_column


def _span(children: list[Any]) -> s.Span:
    start, line, column = _start(children[0])
    end, end_line, end_column = _end(children[-1])
    return s.Span(start, end, line, column, end_line, end_column)


def _token_span(token: Token) -> s.Span:
    return _span([token])


def _expr_span(expr: Any) -> s.Span:
    span: s.Span = expr.span
    return span


def _nodes(children: list[Any]) -> list[Any]:
    """Children without tokens (keywords and punctuation)."""
    return [c for c in children if not isinstance(c, Token)]


_UNIT_OF = {"day": "day", "days": "day", "week": "week", "weeks": "week",
            "month": "month", "months": "month", "year": "year", "years": "year"}
_OP_OF = {"==": "=", "<>": "!="}
_UNIT_TOKENS = frozenset(name.upper() for name in _UNIT_OF)


class _ToAst(Transformer[Token, Any]):
    """Builds frozen AST nodes; each callback is named after a grammar rule or alias."""

    # files
    def segment_file(self, children: list[Any]) -> list[s.Segment]:
        return list(children)

    def bare_file(self, children: list[Any]) -> Any:
        return children[0]

    def segment(self, children: list[Any]) -> s.Segment:
        parts = _nodes(children)
        name = parts[0]
        description = parts[1] if len(parts) == 3 else None
        return s.Segment(name, description, parts[-1], _span(children))

    def description(self, children: list[Any]) -> s.String:
        result: s.String = _nodes(children)[0]
        return result

    # boolean structure
    def or_expr(self, children: list[Any]) -> s.Or:
        return s.Or(tuple(_nodes(children)), _span(children))

    def and_expr(self, children: list[Any]) -> s.And:
        return s.And(tuple(_nodes(children)), _span(children))

    def not_(self, children: list[Any]) -> s.Not:
        return s.Not(_nodes(children)[0], _span(children))

    def condition(self, children: list[Any]) -> Any:
        """``( expr )``: the expression itself (its span stays inside the parentheses)."""
        return _nodes(children)[0]

    # conditions
    def in_segment(self, children: list[Any]) -> s.InSegment:
        return s.InSegment(_nodes(children)[0], _span(children))

    def _rows(self, children: list[Any], negated: bool) -> s.HasRows:
        parts = _nodes(children)
        window = next((p for p in parts[1:] if isinstance(p, _WINDOW_TYPES)), None)
        rest = [p for p in parts[1:] if p is not window]
        return s.HasRows(parts[0], window, rest[0] if rest else None, negated, _span(children))

    def has_rows(self, children: list[Any]) -> s.HasRows:
        return self._rows(children, False)

    def no_rows(self, children: list[Any]) -> s.HasRows:
        return self._rows(children, True)

    def bare_bool(self, children: list[Any]) -> s.BareBool:
        return s.BareBool(children[0], _span(children))

    def compare(self, children: list[Any]) -> s.Compare:
        operand, op_token, value = children
        op: Any = _OP_OF.get(str(op_token), str(op_token))
        return s.Compare(operand, op, value, _token_span(op_token), _span(children))

    def range(self, children: list[Any]) -> s.Range:
        operand, low, high = _nodes(children)
        return s.Range(operand, low, high, _span(children))

    def _in_list(self, children: list[Any], negated: bool) -> s.InList:
        operand, (values, list_span) = _nodes(children)
        return s.InList(operand, values, negated, list_span, _span(children))

    def in_list(self, children: list[Any]) -> s.InList:
        return self._in_list(children, False)

    def not_in_list(self, children: list[Any]) -> s.InList:
        return self._in_list(children, True)

    def starts_with(self, children: list[Any]) -> s.TextMatch:
        operand, value = _nodes(children)
        return s.TextMatch(operand, "starts_with", value, _span(children))

    def ends_with(self, children: list[Any]) -> s.TextMatch:
        operand, value = _nodes(children)
        return s.TextMatch(operand, "ends_with", value, _span(children))

    def contains(self, children: list[Any]) -> s.TextMatch:
        operand, value = _nodes(children)
        return s.TextMatch(operand, "contains", value, _span(children))

    def matches(self, children: list[Any]) -> s.Matches:
        operand, pattern = _nodes(children)
        return s.Matches(operand, pattern, _span(children))

    def is_null(self, children: list[Any]) -> s.IsNull:
        return s.IsNull(_nodes(children)[0], False, _span(children))

    def is_not_null(self, children: list[Any]) -> s.IsNull:
        return s.IsNull(_nodes(children)[0], True, _span(children))

    def _list_has(self, children: list[Any], mode: Any) -> s.ListHas:
        operand, (values, list_span) = _nodes(children)
        return s.ListHas(operand, mode, values, list_span, _span(children))

    def has_any(self, children: list[Any]) -> s.ListHas:
        return self._list_has(children, "any")

    def has_all(self, children: list[Any]) -> s.ListHas:
        return self._list_has(children, "all")

    def time_condition(self, children: list[Any]) -> s.TimeCondition:
        operand, window = _nodes(children)
        return s.TimeCondition(operand, window, _span(children))

    def top_percent(self, children: list[Any]) -> s.Percentile:
        operand, number = _nodes(children)
        return s.Percentile(operand, "top", number, _span(children))

    def bottom_percent(self, children: list[Any]) -> s.Percentile:
        operand, number = _nodes(children)
        return s.Percentile(operand, "bottom", number, _span(children))

    # windows and time
    def last_window(self, children: list[Any]) -> s.LastWindow:
        return s.LastWindow(self._duration(children), _span(children))

    def before_window(self, children: list[Any]) -> s.BeforeWindow:
        return s.BeforeWindow(_nodes(children)[0], _span(children))

    def after_window(self, children: list[Any]) -> s.AfterWindow:
        return s.AfterWindow(_nodes(children)[0], _span(children))

    def between_window(self, children: list[Any]) -> s.BetweenWindow:
        low, high = _nodes(children)
        return s.BetweenWindow(low, high, _span(children))

    def window(self, children: list[Any]) -> Any:
        return children[0]

    def date_ref(self, children: list[Any]) -> s.Date:
        return self.date(children)

    def timestamp_ref(self, children: list[Any]) -> s.Timestamp:
        return self.timestamp(children)

    def ago_ref(self, children: list[Any]) -> s.Ago:
        return s.Ago(self._duration(children), _span(children))

    def today_ref(self, children: list[Any]) -> s.Today:
        return s.Today(_span(children))

    def _duration(self, children: list[Any]) -> s.Duration:
        amount = next(c for c in children if c.type == "INT")
        unit = next(c for c in children if c.type in _UNIT_TOKENS)
        return s.Duration(int(amount), _UNIT_OF[unit], _span(children))  # type: ignore[arg-type]

    def unit(self, children: list[Any]) -> Token:
        token: Token = children[0]
        return token

    # operands
    def field(self, children: list[Any]) -> s.FieldRef:
        return s.FieldRef(children[0], _span(children))

    def relation_field(self, children: list[Any]) -> s.RelationFieldRef:
        relation, field = _nodes(children)
        return s.RelationFieldRef(relation, field, _span(children))

    def _aggregate(self, children: list[Any], func: Any, parts: list[Any]) -> s.Aggregate:
        names = [p for p in parts if isinstance(p, s.Name)]
        window = next((p for p in parts if isinstance(p, _WINDOW_TYPES)), None)
        rest = [p for p in parts if not isinstance(p, s.Name) and p is not window]
        field = names[1] if len(names) > 1 else None
        return s.Aggregate(func, names[0], field, window, rest[0] if rest else None, _span(children))

    def count_rows(self, children: list[Any]) -> s.Aggregate:
        return self._aggregate(children, "count", _nodes(children))

    def count_distinct(self, children: list[Any]) -> s.Aggregate:
        return self._aggregate(children, "count_distinct", _nodes(children))

    def aggregate(self, children: list[Any]) -> s.Aggregate:
        func = str(children[0])
        return self._aggregate(children, func, _nodes(children))

    def agg_func(self, children: list[Any]) -> Token:
        token: Token = children[0]
        return token

    # values
    def value_list(self, children: list[Any]) -> tuple[tuple[Any, ...], s.Span]:
        return tuple(_nodes(children)), _span(children)

    def number(self, children: list[Any]) -> s.Number:
        text = str(children[0])
        return s.Number(Decimal(text), text, _span(children))

    def string(self, children: list[Any]) -> s.String:
        raw = str(children[0])
        quote = raw[0]
        return s.String(raw[1:-1].replace(quote * 2, quote), _span(children))

    def date(self, children: list[Any]) -> s.Date:
        text = str(children[0])
        try:
            value: dt.date | None = dt.date.fromisoformat(text)
        except ValueError:
            value = None
        return s.Date(text, value, _span(children))

    def timestamp(self, children: list[Any]) -> s.Timestamp:
        text = str(children[0])
        try:
            value: dt.datetime | None = dt.datetime.fromisoformat(text)
        except ValueError:
            value = None
        return s.Timestamp(text, value, _span(children))

    def true(self, children: list[Any]) -> s.Bool:
        return s.Bool(True, _span(children))

    def false(self, children: list[Any]) -> s.Bool:
        return s.Bool(False, _span(children))

    def null(self, children: list[Any]) -> s.Null:
        return s.Null(_span(children))

    def name(self, children: list[Any]) -> s.Name:
        token = children[0]
        text = str(token)
        if token.type == "QUOTED_NAME":
            text = text[1:-1]
        return s.Name(text, _token_span(token))


_WINDOW_TYPES = (s.LastWindow, s.BeforeWindow, s.AfterWindow, s.BetweenWindow)
