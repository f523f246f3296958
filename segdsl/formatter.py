"""``segdsl fmt``: one canonical layout for .seg files, comments kept.

The layout::

    # comments before a segment stay above it
    segment NAME
      description "…"
      where COND            # a trailing comment stays on its condition's line
        and COND
        and (COND or COND)

* a top-level ``and`` (or ``or``) chain has one condition per line; a parenthesised group
  inside it stays on one line unless it holds a comment or would be wider than
  ``MAX_WIDTH``, and is then broken one condition per line between ``(`` and ``)``, nested
  groups indented further;
* a condition on an aggregate that holds a comment inside ``count(…)``, or that is too wide
  and has a filter, is broken too: ``count(`` / the relation and window / ``where`` and its
  filter, one condition per line / ``) > 2``; so a comment stays inside its condition;
* a value list (``in (…)``, ``has any (…)``) that holds a comment has one value per line
  between ``(`` and ``)``, so each comment stays after the value it followed;
* parentheses where precedence (or the written grouping, which the IR keeps) needs them,
  and around an ``and`` inside an ``or``, for the reader; ``==`` → ``=``, ``<>`` → ``!=``,
  ``between a and b`` → ``a..b``, ``1 days`` → ``1 day``; keywords in lower case, names in
  backticks only when they must be;
* text values in single quotes and descriptions in double quotes, unless the text holds
  that quote and not the other one;
* one blank line between segments, a newline at the end (``\\r\\n`` in a file whose lines
  mostly end so); a bare-expression file stays a bare expression.

Comments are not in the syntax tree, so they are collected from the text (skipping ``#``
inside quotes and backticks) and re-attached by position: a comment on a line of its own
goes above the output line that follows it (or that holds it, when it sat inside a
condition printed on one line); a comment after code goes at the end of the output line
holding that code. Before anything is returned, the result is parsed again and must give
the same syntax tree (hence the same IR) and the same comments; otherwise
:class:`FormatterBug` is raised and the caller leaves the file alone.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from segdsl import syntax as s
from segdsl.diagnostics import Diagnostic
from segdsl.node import Node, fields
from segdsl.parser import grammar_text, parse_file

MAX_WIDTH = 100
_NAME_OK = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Strings, backticked names and comments first, so '#' or '(' inside them is not seen.
_TOKEN = re.compile(r"""'(?:[^'\n]|'')*'|"(?:[^"\n]|"")*"|`[^`\n]*`|#[^\n]*|[()]|[^\s'"`#()]+""")


class FormatterBug(Exception):
    """The formatted text would not mean the same or would lose a comment (never written)."""


@lru_cache(maxsize=1)
def keywords() -> frozenset[str]:
    """Every keyword of the grammar (``segment``, ``and``, ``days`` …)."""
    return frozenset(re.findall(r'^[A-Z]+:\s*"([a-z]+)"\s*$', grammar_text(), re.M))


# ---- public ---------------------------------------------------------------------------


def format_text(text: str, path: str = "<string>") -> tuple[str | None, list[Diagnostic]]:
    """The canonical text, or None and the syntax diagnostics when the text does not parse.

    Lines end as most of the text's lines do (``\\r\\n`` or ``\\n``), so formatting a
    Windows checkout does not rewrite every line.
    """
    text = text[1:] if text.startswith("\ufeff") else text  # as parse_file does: spans fit
    parsed, problems = parse_file(text, path)
    if problems:
        return None, problems
    newline = line_ending(text)
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
        parsed, _ = parse_file(text, path)
    result = _Formatter(text, parsed).run()
    _verify(text, result, path, parsed)
    return result.replace("\n", newline), []


def line_ending(text: str) -> str:
    """``\\r\\n`` when most line breaks of ``text`` are, else ``\\n``."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


# ---- comments and parentheses in the source -------------------------------------------


@dataclass
class _Comment:
    pos: int  # offset of '#'
    text: str  # without trailing blanks
    own_line: bool  # nothing but blanks before it on its line
    anchor: int  # own line: pos; trailing: offset of the last code character before it
    blank_after: bool = False  # an empty line follows it in the source
    blank_before: bool = False  # an empty line precedes it in the source


def _scan(text: str) -> tuple[list[_Comment], list[tuple[int, int]], list[tuple[int, str]]]:
    """Comments, matched parenthesis pairs (open, close) and every token (offset, text)."""
    comments: list[_Comment] = []
    pairs: list[tuple[int, int]] = []
    tokens: list[tuple[int, str]] = []
    stack: list[int] = []
    lines = text.split("\n")
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    for match in _TOKEN.finditer(text):
        token, pos = match.group(), match.start()
        tokens.append((pos, token))
        if token == "(":
            stack.append(pos)
        elif token == ")" and stack:
            pairs.append((stack.pop(), pos))
        elif token.startswith("#"):
            line_index = text.count("\n", 0, pos)
            start = line_starts[line_index]
            before = text[start:pos]
            own = before.strip() == ""
            anchor = pos if own else start + len(before.rstrip()) - 1
            after_blank = line_index + 1 < len(lines) and lines[line_index + 1].strip() == ""
            before_blank = line_index > 0 and lines[line_index - 1].strip() == ""
            comments.append(_Comment(pos, token.rstrip(), own, anchor, after_blank and own,
                                     before_blank and own))
    return comments, pairs, tokens


# ---- layout ----------------------------------------------------------------------------


LineKind = Literal["header", "item", "open", "close"]


@dataclass
class _Line:
    indent: int
    text: str
    start: int  # source offset of what this line prints first (for comments on their own line)
    tstart: int  # the same, including the keyword and comments before it (for trailing comments)
    end: int  # source offset just after what it prints (items)
    kind: LineKind
    file_level: bool = False  # a segment header or the first line of a bare file
    before: list[_Comment] = field(default_factory=list)
    trailing: list[_Comment] = field(default_factory=list)


class _Formatter:
    def __init__(self, text: str, parsed: s.SegmentFile) -> None:
        self.text = text
        self.parsed = parsed
        self.comments, self.pairs, tokens = _scan(text)
        self.token_at = {pos: index for index, (pos, _) in enumerate(tokens)}
        self.starts = [pos for pos, _ in tokens]
        self.tokens = tokens

    def run(self) -> str:
        lines: list[_Line] = []
        for segment in self.parsed.segments:
            lines.extend(self.segment_lines(segment))
        footer = self.attach(lines)
        return self.emit(lines, footer)

    # -- segments --------------------------------------------------------------------

    def segment_lines(self, segment: s.Segment) -> list[_Line]:
        out: list[_Line] = []
        if segment.implicit:
            first_indent, first_prefix, rest_indent = 0, "", 2
        else:
            out.append(_Line(0, f"segment {_name(segment.name.text)}", segment.span.start,
                             segment.span.start, segment.name.span.end, "header", file_level=True))
            if segment.description is not None:
                d = segment.description
                out.append(_Line(2, f"description {_quote(d.value, chr(34))}", d.span.start,
                                 d.span.start, d.span.end, "item"))
            first_indent, first_prefix, rest_indent = 2, "where ", 4
        body = self.chain_lines(segment.expr, first_indent, first_prefix, rest_indent)
        if segment.implicit and body:
            body[0].file_level = True
        return out + body

    def chain_lines(self, expr: s.Expr, indent: int, prefix: str, rest_indent: int) -> list[_Line]:
        """A top-level chain (of a segment or an aggregate's filter): one condition per line."""
        if not isinstance(expr, (s.And, s.Or)):
            return self.lines(expr, indent, prefix, False)
        word = "and" if isinstance(expr, s.And) else "or"
        out: list[_Line] = []
        for index, item in enumerate(expr.items):
            here, before = (indent, prefix) if index == 0 else (rest_indent, f"{word} ")
            out.extend(self.lines(item, here, before, _needs_parens(item, expr)))
        return out

    def lines(self, node: s.Expr, indent: int, prefix: str, parens: bool, *, first_in_group: bool = False,
              anchors: tuple[int, int] | None = None) -> list[_Line]:
        """``node`` printed from ``indent`` after ``prefix``: one line, or broken over several.

        ``anchors`` are where the printed text starts in the source, for comments on their own
        line and for trailing comments (see :meth:`anchors`).
        """
        if parens and isinstance(node, (s.And, s.Or)):
            return self.group_lines(node, indent, prefix, first_in_group, anchors)
        start, tstart = anchors or self.anchors(node.span.start, first_in_group)
        if isinstance(node, s.Not):
            return self.lines(node.operand, indent, prefix + "not ",
                              isinstance(node.operand, (s.And, s.Or)), anchors=(start, tstart))
        if isinstance(node, s.HasRows) and node.filter is not None:
            head = self.has_head(node) + " where "
            return self.lines(node.filter, indent, prefix + head,
                              isinstance(node.filter, (s.And, s.Or)), anchors=(start, tstart))
        text = prefix + self.inline(node)
        if isinstance(node, (s.InList, s.ListHas)) and any(
                node.list_span.start < c.pos < node.list_span.end for c in self.comments):
            return self.value_list_lines(node, indent, text, start, tstart)
        operand = getattr(node, "operand", None)
        if isinstance(operand, s.Aggregate) and (self.comment_inside(operand) or (
                operand.filter is not None and indent + len(text) > MAX_WIDTH)):
            return self.aggregate_lines(node, operand, indent, prefix, start, tstart)
        return [_Line(indent, text, start, tstart, node.span.end, "item")]

    def group_lines(self, node: s.And | s.Or, indent: int, prefix: str, first_in_group: bool,
                    anchors: tuple[int, int] | None) -> list[_Line]:
        """``(a or b)`` on one line, or broken one condition per line between ``(`` and ``)``
        when it holds a comment or is too wide. The parentheses may be new (an ``and`` in an
        ``or``): then the group's own span stands for them."""
        pair = self.paren_pair(node)
        open_, close = pair or (node.span.start, node.span.end)
        if pair is None:  # a span ends before the ')' of a group it ends with: reach past it
            close = max([c for o, c in self.pairs if open_ <= o < close], default=close)
            close = max(close, node.span.end)
        start, tstart = anchors or self.anchors(open_ if pair else node.span.start, first_in_group)
        one = prefix + "(" + self.inline(node) + ")"
        inside = any(open_ < c.pos < close for c in self.comments)
        if not inside and indent + len(one) <= MAX_WIDTH:
            return [_Line(indent, one, start, tstart, node.span.end, "item")]
        word = "and" if isinstance(node, s.And) else "or"
        out = [_Line(indent, prefix + "(", start, tstart, open_ + 1 if pair else open_, "open")]
        for index, item in enumerate(node.items):
            out.extend(self.lines(item, indent + 2, "" if index == 0 else f"{word} ",
                                  _needs_parens(item, node), first_in_group=index == 0))
        after = close + 1 if pair else close
        out.append(_Line(indent, ")", close, close, after, "close"))
        return out

    def aggregate_lines(self, node: s.Expr, aggregate: s.Aggregate, indent: int, prefix: str, start: int,
                        tstart: int) -> list[_Line]:
        """A condition on an aggregate that holds a comment or is too wide, broken as::

            count(
              orders in last 90 days  # a comment after 'orders' stays on this line
              where status = 'paid'
                and amount > 10
            ) > 2
        """
        open_, close = self.aggregate_parens(aggregate)
        func = "count distinct" if aggregate.func == "count_distinct" else aggregate.func
        out = [_Line(indent, f"{prefix}{func}(", start, tstart, open_ + 1, "open")]
        head = _name(aggregate.relation.text)
        last: s.Name | s.Window = aggregate.relation
        if aggregate.field is not None:
            head += f".{_name(aggregate.field.text)}"
            last = aggregate.field
        if aggregate.window is not None:
            head += f" {_window(aggregate.window)}"
            last = aggregate.window
        first = aggregate.relation.span.start
        out.append(_Line(indent + 2, head, first, first, last.span.end, "item"))
        if aggregate.filter is not None:
            out.extend(self.chain_lines(aggregate.filter, indent + 2, "where ", indent + 4))
        rest = self.inline(node)[len(_operand(aggregate, self)):]
        out.append(_Line(indent, ")" + rest, close, close, max(node.span.end, close + 1), "item"))
        return out

    def value_list_lines(self, node: s.InList | s.ListHas, indent: int, text: str, start: int,
                         tstart: int) -> list[_Line]:
        """A value list that holds a comment, one value per line, so each comment stays after
        the value it was written after::

            region in (
              'UK',  # our home market
              'IE'
            )
        """
        head = text[:len(text) - len(_values(node.values)) - 1]  # up to and including '('
        out = [_Line(indent, head, start, tstart, node.list_span.start + 1, "open")]
        for index, value in enumerate(node.values):
            comma = "," if index < len(node.values) - 1 else ""
            out.append(_Line(indent + 2, _value(value) + comma, value.span.start, value.span.start,
                             value.span.end, "item"))
        close = node.list_span.end - 1
        out.append(_Line(indent, ")", close, close, node.span.end, "close"))
        return out

    def comment_inside(self, aggregate: s.Aggregate) -> bool:
        open_, close = self.aggregate_parens(aggregate)
        return any(open_ < c.pos < close for c in self.comments)

    def aggregate_parens(self, aggregate: s.Aggregate) -> tuple[int, int]:
        """Where ``(`` and ``)`` of ``count(…)`` are in the source."""
        index = self.token_at[aggregate.span.start]
        while self.tokens[index][1] != "(":
            index += 1
        open_ = self.tokens[index][0]
        return open_, dict(self.pairs)[open_]

    def anchors(self, pos: int, first_in_group: bool) -> tuple[int, int]:
        """Where a line's text starts in the source: (for own-line comments, for trailing ones).

        Both include '(' written just before the condition; the second also the comments
        and the 'and'/'or'/'where' before it, which the output line prints. The first
        condition of a broken group starts after the group's '(' (the line above prints it).
        """
        index = self.token_at.get(pos)
        if index is None:  # pragma: no cover - conditions start at a token
            return pos, pos
        own = index
        while not first_in_group and own > 0 and self.tokens[own - 1][1] == "(":
            own -= 1
        trail = index
        while trail > 0 and (self.tokens[trail - 1][1].startswith("#")
                             or (self.tokens[trail - 1][1] == "(" and not first_in_group)):
            trail -= 1
        if not first_in_group and trail > 0 and self.tokens[trail - 1][1] in ("and", "or", "where"):
            trail -= 1
        return self.tokens[own][0], self.tokens[trail][0]

    def paren_pair(self, node: s.Expr) -> tuple[int, int] | None:
        """The parentheses written around a group, or None when there are none of its own.

        A group's span leaves out its parentheses (and those of a last item), so the pair is
        the innermost one around the span with only '(' (or ')') and comments between.
        """
        best: tuple[int, int] | None = None
        for open_, close in self.pairs:
            if open_ < node.span.start and close >= node.span.end and (best is None or open_ > best[0]):
                best = (open_, close)
        if best is None:
            return None
        before = range(self.token_at[best[0]] + 1, self.token_at[node.span.start])
        after = range(bisect.bisect_left(self.starts, node.span.end), self.token_at[best[1]])
        if all(self.tokens[i][1] == "(" or self.tokens[i][1].startswith("#") for i in before) and all(
                self.tokens[i][1] == ")" or self.tokens[i][1].startswith("#") for i in after):
            return best
        return None

    # -- one-line rendering -----------------------------------------------------------

    def inline(self, node: s.Expr) -> str:
        if isinstance(node, (s.And, s.Or)):
            word = " and " if isinstance(node, s.And) else " or "
            return word.join(self.child(item, node) for item in node.items)
        if isinstance(node, s.Not):
            return "not " + self.child(node.operand, node)
        if isinstance(node, s.InSegment):
            return f"in segment {_name(node.name.text)}"
        if isinstance(node, s.HasRows):
            head = self.has_head(node)
            return head if node.filter is None else f"{head} where {self.child(node.filter, node)}"
        if isinstance(node, s.BareBool):
            return _operand(node.operand, self)
        subject = _operand(node.operand, self)
        if isinstance(node, s.Compare):
            return f"{subject} {node.op} {_value(node.value)}"
        if isinstance(node, s.Range):
            return f"{subject} {_value(node.low)}..{_value(node.high)}"
        if isinstance(node, s.InList):
            word = "not in" if node.negated else "in"
            return f"{subject} {word} ({_values(node.values)})"
        if isinstance(node, s.TextMatch):
            return f"{subject} {node.kind.replace('_', ' ')} {_value(node.value)}"
        if isinstance(node, s.Matches):
            return f"{subject} matches {_value(node.pattern)}"
        if isinstance(node, s.IsNull):
            return f"{subject} is {'not null' if node.negated else 'null'}"
        if isinstance(node, s.ListHas):
            return f"{subject} has {node.mode} ({_values(node.values)})"
        if isinstance(node, s.TimeCondition):
            return f"{subject} {_window(node.window)}"
        if isinstance(node, s.Percentile):
            return f"{subject} in {node.side} {node.percent.text}%"
        raise FormatterBug(f"unknown condition {type(node).__name__}")  # pragma: no cover

    def child(self, node: s.Expr, parent: s.Expr) -> str:
        text = self.inline(node)
        return f"({text})" if _needs_parens(node, parent) else text

    def has_head(self, node: s.HasRows) -> str:
        head = f"{'no' if node.negated else 'has'} {_name(node.relation.text)}"
        return head + (f" {_window(node.window)}" if node.window is not None else "")

    # -- comments -----------------------------------------------------------------------

    def attach(self, lines: list[_Line]) -> list[_Comment]:
        """Give every comment to a line; those after the last line are the footer."""
        footer: list[_Comment] = []
        for comment in self.comments:
            owner: _Line | None = None
            if comment.own_line:
                holding = [ln for ln in lines if ln.kind == "item" and ln.start <= comment.pos < ln.end]
                following = [ln for ln in lines if ln.start > comment.pos]
                owner = holding[-1] if holding else (following[0] if following else None)
                if owner is None:
                    footer.append(comment)
                else:
                    owner.before.append(comment)
                continue
            earlier = [ln for ln in lines if ln.tstart <= comment.anchor]
            owner = earlier[-1] if earlier else (lines[0] if lines else None)
            if owner is None:  # pragma: no cover - a trailing comment follows code
                footer.append(comment)
            else:
                owner.trailing.append(comment)
        return footer

    def emit(self, lines: list[_Line], footer: list[_Comment]) -> str:
        out: list[str] = []
        for line in lines:
            if line.kind == "header" and out:
                out.append("")
            trailing = sorted(line.trailing, key=lambda c: c.pos)
            # A line keeps one trailing comment; others it collected go above it.
            before = sorted(line.before + trailing[:-1], key=lambda c: c.pos)
            pad = " " * line.indent
            for comment in before:
                out.append(pad + comment.text)
                if line.file_level and comment.blank_after:
                    out.append("")
            text = pad + line.text
            if trailing:
                text += "  " + trailing[-1].text
            out.append(text)
        for index, comment in enumerate(footer):
            apart = comment.blank_before if index == 0 else footer[index - 1].blank_after
            if apart and out and out[-1] != "":
                out.append("")
            out.append(comment.text)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"


# ---- pieces ------------------------------------------------------------------------------


def _needs_parens(node: s.Expr, parent: s.Expr) -> bool:
    """Parentheses that precedence needs, that keep the written grouping (and so the IR), or
    that show it: ``(a and b) or c``, as Prettier does for mixed ``&&``/``||``."""
    if isinstance(parent, s.And):
        return isinstance(node, (s.And, s.Or))
    if isinstance(parent, s.Or):  # an 'and' inside an 'or' too: the grouping is easier to read
        return isinstance(node, (s.And, s.Or))
    if isinstance(parent, (s.Not, s.HasRows)):
        return isinstance(node, (s.And, s.Or))
    return False


def _name(text: str) -> str:
    return text if _NAME_OK.match(text) and text not in keywords() else f"`{text}`"


def _quote(text: str, preferred: str = "'") -> str:
    """In ``preferred`` quotes, unless the text holds that quote and not the other one."""
    other = '"' if preferred == "'" else "'"
    quote = other if preferred in text and other not in text else preferred
    return quote + text.replace(quote, quote * 2) + quote


def _value(node: s.Value) -> str:
    if isinstance(node, s.Number):
        return node.text
    if isinstance(node, s.String):
        return _quote(node.value)
    if isinstance(node, (s.Date, s.Timestamp)):
        return node.text
    if isinstance(node, s.Bool):
        return "true" if node.value else "false"
    return "null"


def _values(values: tuple[s.Value, ...]) -> str:
    return ", ".join(_value(v) for v in values)


def _duration(duration: s.Duration) -> str:
    unit = duration.unit if duration.amount == 1 else f"{duration.unit}s"
    return f"{duration.amount} {unit}"


def _window(window: s.Window) -> str:
    if isinstance(window, s.LastWindow):
        return f"in last {_duration(window.duration)}"
    if isinstance(window, s.BetweenWindow):
        return f"between {_value(window.low)} and {_value(window.high)}"
    word = "before" if isinstance(window, s.BeforeWindow) else "after"
    return f"{word} {_time_ref(window.ref)}"


def _time_ref(ref: s.TimeRef) -> str:
    if isinstance(ref, s.Ago):
        return f"{_duration(ref.duration)} ago"
    if isinstance(ref, s.Today):
        return "today"
    return ref.text


def _operand(operand: s.Operand, formatter: _Formatter) -> str:
    if isinstance(operand, s.FieldRef):
        return _name(operand.name.text)
    if isinstance(operand, s.RelationFieldRef):
        return f"{_name(operand.relation.text)}.{_name(operand.field.text)}"
    inner = _name(operand.relation.text)
    if operand.field is not None:
        inner += f".{_name(operand.field.text)}"
    if operand.window is not None:
        inner += f" {_window(operand.window)}"
    if operand.filter is not None:
        inner += f" where {formatter.inline(operand.filter)}"
    func = "count distinct" if operand.func == "count_distinct" else operand.func
    return f"{func}({inner})"


# ---- the safety net ------------------------------------------------------------------------


def shape(node: Any) -> Any:
    """A syntax tree without its source positions: what the text means, not where it was."""
    if isinstance(node, Node):
        if isinstance(node, s.Span):
            return None
        if isinstance(node, s.SegmentFile):
            return shape(node.segments)
        return (type(node).__name__,
                *(shape(getattr(node, name)) for name in fields(node) if not name.endswith("span")))
    if isinstance(node, tuple):
        return tuple(shape(item) for item in node)
    return node


def comment_texts(text: str) -> Counter[str]:
    comments, _, _ = _scan(text)
    return Counter(c.text for c in comments)


def _verify(original: str, result: str, path: str, parsed: s.SegmentFile) -> None:
    again, problems = parse_file(result, path)
    if problems:
        raise FormatterBug(f"the formatted text does not parse: {problems[0].message}")
    if shape(again) != shape(parsed):
        raise FormatterBug("the formatted text would mean something else")
    if comment_texts(result) != comment_texts(original):
        raise FormatterBug("the formatted text would lose a comment")
