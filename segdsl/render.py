"""Diagnostics → text for people, JSON for tools, annotations for GitHub Actions."""

from __future__ import annotations

from collections.abc import Iterable

from segdsl.diagnostics import Diagnostic


def text(diagnostic: Diagnostic, color: bool = False) -> str:
    """``path:line:col: error[CODE]: message``, the source line, a caret under the span, a hint."""
    span = diagnostic.span
    head = f"{diagnostic.path}:{span.line}:{span.column}: {diagnostic.severity}[{diagnostic.code}]: {diagnostic.message}"
    if color:
        tint = "\033[1;31m" if diagnostic.is_error else "\033[1;33m"
        head = f"\033[1m{diagnostic.path}:{span.line}:{span.column}:\033[0m {tint}{diagnostic.severity}[{diagnostic.code}]\033[0m: {diagnostic.message}"
    lines = [head]
    if diagnostic.line_text:
        number = str(span.line)
        gutter = " " * len(number)
        full = diagnostic.line_text
        start = min(span.column - 1, len(full))
        end = span.end_column - 1 if span.end_line == span.line else len(full)
        line, start, end = _window(full, start, max(start, min(end, len(full))))
        line = line.expandtabs(1)
        marked = line[start:end]
        lines.append(f"{gutter} |")
        lines.append(f"{number} | {line}")
        lines.append(f"{gutter} | {' ' * _columns(line[:start])}{'^' * max(1, _columns(marked))}")
    if diagnostic.hint:
        lines.append(f"  = hint: {diagnostic.hint}")
    for note in diagnostic.notes:
        lines.append(f"  = note: {note}")
    return "\n".join(lines)


_SHOWN = 120  # characters of a long source line shown around the mistake


def _window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """A long line cut to the part around ``start:end``, with … where it was cut, and the
    positions in it: a segment of ten thousand conditions on one line gives ten thousand short
    diagnostics, not ten thousand copies of the line."""
    if len(line) <= _SHOWN:
        return line, start, end
    left = max(0, start - 40)
    right = min(len(line), left + _SHOWN)
    end = min(end, right)
    prefix = "…" if left else ""
    suffix = "…" if right < len(line) else ""
    shift = len(prefix) - left
    return prefix + line[left:right] + suffix, start + shift, end + shift


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide characters take two, so the
    caret stays under the right characters after CJK text."""
    if text.isascii():
        return len(text)
    import unicodedata  # only for non-ASCII lines: nothing to load on the common path

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_report(diagnostics: Iterable[Diagnostic], color: bool = False) -> str:
    items = list(diagnostics)
    blocks = [text(d, color) for d in items]
    errors = sum(1 for d in items if d.is_error)
    warnings = len(items) - errors
    if items:
        blocks.append(_summary(errors, warnings))
    return "\n\n".join(blocks)


def _summary(errors: int, warnings: int) -> str:
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return "found " + " and ".join(parts)


def as_dict(diagnostic: Diagnostic) -> dict[str, object]:
    """The diagnostic for tools. ``source_line`` is the whole line, or for a line over 120
    characters the part around the span with … where it was cut (line and column stay exact)."""
    span = diagnostic.span
    line = diagnostic.line_text
    if len(line) > _SHOWN:
        line = _window(line, span.column - 1, span.column)[0]
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "source_line": line,
        "hint": diagnostic.hint,
        "notes": list(diagnostic.notes),
    }


def json_report(diagnostics: Iterable[Diagnostic]) -> str:
    import json  # only for --format json: keeps it off the start-up path

    return json.dumps([as_dict(d) for d in diagnostics], indent=2, ensure_ascii=False)


def github(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the pull request."""
    span = diagnostic.span
    kind = "error" if diagnostic.is_error else "warning"
    message = diagnostic.message + (f" (hint: {diagnostic.hint})" if diagnostic.hint else "")
    props = ",".join([
        f"file={_escape_property(diagnostic.path)}",
        f"line={span.line}",
        f"col={span.column}",
        f"endLine={span.end_line}",
        f"endColumn={span.end_column}",
        f"title={_escape_property(diagnostic.code)}",
    ])
    return f"::{kind} {props}::{_escape_data(message)}"


def github_report(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(github(d) for d in diagnostics)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
