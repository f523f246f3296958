"""``segdsl fmt``: rewrite .seg files into the canonical layout (see segdsl/formatter.py).

Exit codes: 0 fine; 1 when a file has syntax errors (reported, left untouched), cannot be
read or written, or — with ``--check`` — would change. ``--check`` and ``--diff`` never
write. ``-`` formats standard input to standard output. Line endings are kept: a file
whose lines end in ``\\r\\n`` comes back so (see :func:`segdsl.formatter.line_ending`).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import tempfile
from pathlib import Path

import click

from segdsl.cli import Failed, _emit
from segdsl.diagnostics import Diagnostic, Source, make
from segdsl.syntax import Span


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
def fmt(paths: tuple[str, ...], check: bool, show_diff: bool) -> None:
    """Format segment files and folders (recursively *.seg) into one canonical layout."""
    from segdsl.project import find_segment_files

    if not paths:
        raise click.UsageError("give at least one segment file or folder (or - for standard input)")
    if "-" in paths:
        if len(paths) > 1:
            raise click.UsageError("'-' (standard input) cannot be combined with other paths")
        _format_stdin(check, show_diff)
        return
    files, problems = find_segment_files(list(paths))
    changed: list[str] = []
    unchanged = 0
    failed = 0
    for path in files:
        outcome = _format_file(path, check or show_diff, show_diff, problems)
        if outcome is None:
            failed += 1
        elif outcome:
            changed.append(path)
        else:
            unchanged += 1
    _emit(sorted(problems, key=lambda d: d.sort_key()))
    for path in changed:
        if check:
            click.echo(f"would reformat {path}")
        elif not show_diff:
            click.echo(f"reformatted {path}", err=True)
    click.echo(_summary(len(changed), unchanged, failed, check or show_diff), err=True)
    if problems or failed or (check and changed):
        raise Failed


def _format_file(path: str, dry_run: bool, show_diff: bool, problems: list[Diagnostic]) -> bool | None:
    """True if the file changes (or would), False if not, None if it cannot be formatted."""
    from segdsl.formatter import FormatterBug, format_text

    try:
        raw = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8 text"
        problems.append(make("SEG003", f"cannot read {path}: {reason}", Source(path, ""), Span.point()))
        return None
    try:
        result, syntax = format_text(raw, path)
    except FormatterBug as bug:
        click.echo(f"error: {path}: the formatter could not keep this file's meaning ({bug}); "
                   "it was left unchanged — please report this", err=True)
        return None
    if result is None:
        problems.extend(syntax)
        return None
    if result == raw:
        return False
    if show_diff:
        click.echo(_diff(raw, result, path), nl=False)
    if not dry_run:
        try:
            write_atomic(path, result)
        except OSError as error:
            click.echo(f"error: cannot write {path}: {error.strerror or error}", err=True)
            return None
    return True


def _format_stdin(check: bool, show_diff: bool) -> None:
    from segdsl.formatter import FormatterBug, format_text

    try:
        raw = sys.stdin.buffer.read().decode("utf-8")  # bytes: '\r\n' stays
    except UnicodeDecodeError:
        raise click.ClickException("standard input is not UTF-8 text") from None
    try:
        result, syntax = format_text(raw, "<stdin>")
    except FormatterBug as bug:
        raise click.ClickException(f"the formatter could not keep the text's meaning ({bug})") from None
    if result is None:
        _emit(syntax)
        raise Failed
    if show_diff:
        click.echo(_diff(raw, result, "<stdin>"), nl=False)
    elif not check:
        out = sys.stdout.buffer
        out.write(result.encode("utf-8"))
        out.flush()
    if check and result != raw:
        raise Failed


def _diff(before: str, after: str, path: str) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 f"{path} (original)", f"{path} (formatted)")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def write_atomic(path: str, text: str) -> None:
    """Write via a temporary file in the same folder and os.replace: never half a file.

    A symbolic link is followed, so the link stays a link.
    """
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(prefix=".segdsl-fmt-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        with contextlib.suppress(OSError):
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _summary(changed: int, unchanged: int, failed: int, dry_run: bool) -> str:
    def files(n: int) -> str:
        return f"{n} file{'s' if n != 1 else ''}"

    parts = []
    if changed:
        parts.append(f"{files(changed)} {'would be reformatted' if dry_run else 'reformatted'}")
    if unchanged:
        parts.append(f"{files(unchanged)} already formatted")
    if failed:
        parts.append(f"{files(failed)} not formatted (see above)")
    return ", ".join(parts) or "no .seg files found"
