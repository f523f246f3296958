"""Diagnostics are data: a code, a severity, a message, a place and a hint.

Every stage reports problems by returning :class:`Diagnostic` values, never by raising
half-way; rendering them (caret text, JSON, GitHub annotations) lives in ``render.py``.
The public exception :class:`SegdslError` simply carries a list of them.

    SegdslError            raised by the Python API when input has errors
      .diagnostics         list[Diagnostic], all of them, not just the first
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from segdsl.node import Node
from segdsl.syntax import Span

Severity = Literal["error", "warning"]


class Source(Node):
    """A piece of text a diagnostic can point into (a .seg file, a schema, a -e expression)."""

    path: str
    text: str

    def line(self, number: int) -> str:
        lines = _lines(self.text)
        return lines[number - 1] if 0 < number <= len(lines) else ""


@lru_cache(maxsize=8)
def _lines(text: str) -> list[str]:
    """The lines of a text, split once: a file with thousands of diagnostics looks its lines up
    thousands of times, and they all share one string per line."""
    return text.splitlines()


class Diagnostic(Node):
    code: str
    severity: Severity
    message: str
    path: str
    span: Span
    line_text: str = ""
    hint: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


def make(
    code: str,
    message: str,
    source: Source,
    span: Span,
    hint: str | None = None,
    *,
    severity: Severity = "error",
    notes: tuple[str, ...] = (),
) -> Diagnostic:
    return Diagnostic(
        code, severity, message, source.path, span, source.line(span.line), hint, notes
    )


class SegdslError(Exception):
    """Input had errors; ``diagnostics`` holds every one of them."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        first = diagnostics[0] if diagnostics else None
        summary = (
            f"{first.path}:{first.span.line}:{first.span.column}: "
            f"{first.severity}[{first.code}]: {first.message}"
            if first
            else "error"
        )
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(summary + more)


def errors_only(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.is_error]


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The closest candidate, compared case-insensitively, or None when nothing is close."""
    if not candidates:
        return None
    folded = {c.lower(): c for c in candidates}
    if word.lower() in folded:
        return folded[word.lower()]
    best, best_score = None, 0.0
    for candidate in candidates:
        score = _similarity(word.lower(), candidate.lower())
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= 0.6 else None


def _similarity(a: str, b: str) -> float:
    """1 - normalised Levenshtein distance (difflib would cost an import on the hot path)."""
    if a == b:
        return 1.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1.0 - previous[-1] / max(len(a), len(b))
