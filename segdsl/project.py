"""Files and folders → one checked program: every segment, resolved, or diagnostics.

This is what ``check``, ``compile`` and ``run`` share: collect ``*.seg`` files (folders
recursively), parse them, and check them together so ``in segment NAME`` can refer to any
segment given on the command line. No sqlglot here.
"""

from __future__ import annotations

import os
import sys

from segdsl import ir
from segdsl.checker import Checker
from segdsl.diagnostics import Diagnostic, Source, make
from segdsl.dialects import Dialect
from segdsl.gcpause import without_gc
from segdsl.parser import parse_file
from segdsl.schema import Schema
from segdsl.syntax import SegmentFile, Span


class Program:
    """Checked segments by name, every diagnostic, the parsed files and what they use."""

    def __init__(self, schema: Schema, segments: dict[str, ir.Segment],
                 diagnostics: list[Diagnostic] | None = None, files: list[SegmentFile] | None = None,
                 used_traits: set[str] | None = None, checker: Checker | None = None) -> None:
        self.schema = schema
        self.segments = segments
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.files = files if files is not None else []
        self.used_traits = used_traits if used_traits is not None else set()
        self.checker = checker

    def dialect_diagnostics(self, segments: list[str] | None = None) -> list[Diagnostic]:
        """SEG140 problems for these segments and what they use (None: every segment)."""
        return self.checker.dialect_diagnostics(segments) if self.checker else []

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def find_segment_files(paths: list[str]) -> tuple[list[str], list[Diagnostic]]:
    """Files as given, folders searched recursively for *.seg, in a stable order.

    A folder without any .seg file is a mistake (a typo in the path, or the wrong folder),
    not "0 segments checked".
    """
    found: list[str] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if os.path.isdir(path):
            under = _seg_files_under(path)
            if not under:
                problems.append(make("SEG003", f"no .seg files in folder {path}", Source(path, ""),
                                     Span.point(), "segment files end in .seg; check the folder"))
            found.extend(under)
        elif os.path.exists(path):
            found.append(path)
        else:
            problems.append(make("SEG003", f"no such file or folder: {path}", Source(path, ""),
                                 Span.point(), "check the path, or pass a folder of .seg files"))
    return list(dict.fromkeys(found)), problems


def _seg_files_under(folder: str) -> list[str]:
    """Every *.seg file below a folder (symlinked folders are not followed), sorted."""
    found: list[str] = []
    for root, _, names in os.walk(folder):
        found.extend(os.path.normpath(os.path.join(root, name)) for name in names
                     if name.endswith(".seg") and os.path.isfile(os.path.join(root, name)))
    return sorted(found)


STDIN_PATH = "<stdin>"


def read_sources(paths: list[str]) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """The text of every segment file in ``paths``; ``-`` is standard input (an editor piping
    the buffer it has open)."""
    sources: list[tuple[str, str]] = []
    stdin_problems: list[Diagnostic] = []
    if "-" in paths:
        paths = [p for p in paths if p != "-"]
        try:  # newlines as open() gives them for files: \r\n and \r become \n
            stream = getattr(sys.stdin, "buffer", None)
            text = stream.read().decode("utf-8") if stream is not None else sys.stdin.read()
            sources.append((STDIN_PATH, text.replace("\r\n", "\n").replace("\r", "\n")))
        except UnicodeDecodeError:
            stdin_problems.append(make("SEG003", f"cannot read {STDIN_PATH}: not UTF-8 text",
                                       Source(STDIN_PATH, ""), Span.point()))
        if not paths:
            return sources, stdin_problems
    files, problems = find_segment_files(paths)
    problems = stdin_problems + problems
    for path in files:
        try:
            with open(path, encoding="utf-8") as file:
                sources.append((path, file.read()))
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8 text"
            problems.append(make("SEG003", f"cannot read {path}: {reason}", Source(path, ""), Span.point()))
    return sources, problems


@without_gc
def build_program(sources: list[tuple[str, str]], schema: Schema,
                  dialect: Dialect | None = None) -> Program:
    """Parse and check all sources together against one schema."""
    diagnostics: list[Diagnostic] = []
    files: list[SegmentFile] = []
    for path, text in sources:
        parsed, problems = parse_file(text, path)
        files.append(parsed)
        diagnostics.extend(problems)
    checker = Checker(schema, dialect)
    checker.check_traits()
    segments = checker.check_files(files)
    diagnostics.extend(checker.diagnostics)
    unique = list(dict.fromkeys(diagnostics))
    unique.sort(key=lambda d: d.sort_key())
    return Program(schema, segments, unique, files, checker.used_traits, checker)
