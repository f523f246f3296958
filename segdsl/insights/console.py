"""What the insight commands share: loading segments, tables, spinners and JSON output.

``rich`` is imported only here and only when something is printed, so the commands start
fast; if it is not installed, tables fall back to aligned plain text and spinners to nothing.
Spinners and progress bars go to stderr and only when stderr is a terminal, so piped output
and ``--format json`` stay clean.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from segdsl.cli import EXPR_PATH, Failed, _emit, load_program, pick_segment

F = TypeVar("F", bound=Callable[..., Any])


def output_format_option(func: F) -> F:
    return click.option("--format", "output_format", default="text", show_default=True,
                        type=click.Choice(["text", "json"]),
                        help="text: tables for people; json: everything, for tools.")(func)


def db_option(func: F) -> F:
    return click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
                        help="DuckDB database file (e.g. the one 'segdsl demo' writes).")(func)


# ---- loading ----------------------------------------------------------------------------


def load_checked(paths: tuple[str, ...], expr: str | None, schema_path: str | None,
                 output_format: str, dialect: str = "duckdb") -> Any:
    """The checked program; diagnostics printed and exit 1 on errors (JSON stays one document)."""
    program = load_program(paths, expr, schema_path, dialect, output_format)
    if program.errors:
        _emit(program.diagnostics, output_format)
        raise Failed
    problems = program.dialect_diagnostics()  # what this database's SQL cannot express
    if problems:
        _emit(problems, output_format)
        raise Failed
    if program.diagnostics:
        _emit(program.diagnostics, "text")  # warnings: to stderr, whatever the format
    return program


def select_segments(program: Any, names: tuple[str, ...], paths: tuple[str, ...]) -> list[Any]:
    """The named segments (each checked, with a did-you-mean), else all of them in file order."""
    if names:
        chosen = [pick_segment(program, name, None) for name in dict.fromkeys(names)]
    else:
        chosen = [s for s in program.segments.values() if s.path != EXPR_PATH]
    if not chosen:
        raise click.UsageError(f"no segments found in {' '.join(paths) or 'the given files'}; "
                               "give .seg files or folders that define segments")
    return chosen


# ---- output -----------------------------------------------------------------------------


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def note(message: str) -> None:
    """A closing line for people (stderr, so stdout holds only the tables)."""
    click.echo(message, err=True)


def _rich_console(stderr: bool = False) -> Any:
    try:
        from rich.console import Console
    except ImportError:  # pragma: no cover - rich is a dependency, but keep working without it
        return None
    terminal = (sys.stderr if stderr else sys.stdout).isatty()
    color = "NO_COLOR" not in os.environ and terminal
    # piped into a file or a tool: do not wrap tables at 80 columns
    width = None if terminal or os.environ.get("COLUMNS") else 200
    return Console(stderr=stderr, highlight=False, no_color=not color, soft_wrap=False, width=width)


class Column:
    def __init__(self, header: str, justify: str = "left", style: str | None = None) -> None:
        self.header, self.justify, self.style = header, justify, style


def print_table(title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]],
                caption: str | None = None) -> None:
    console = _rich_console()
    if console is None:  # pragma: no cover
        _plain_table(title, columns, rows, caption)
        return
    from rich import box
    from rich.table import Table

    if title:
        console.print(title, style="bold", markup=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        table.add_column(column.header, justify=column.justify, style=column.style,  # type: ignore[arg-type]
                         no_wrap=column.justify == "right", overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if caption:
        console.print(caption, markup=False)
    console.print()


def _plain_table(title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]],
                 caption: str | None) -> None:  # pragma: no cover - used only without rich
    widths = [max([len(c.header)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(w) if c.justify == "right" else cell.ljust(w)
                         for cell, w, c in zip(cells, widths, columns, strict=True)).rstrip()

    if title:
        click.echo(title)
    click.echo(line([c.header for c in columns]))
    for row in rows:
        click.echo(line(row))
    if caption:
        click.echo(caption)
    click.echo()


def print_line(text: str = "") -> None:
    console = _rich_console()
    if console is None:  # pragma: no cover
        click.echo(text)
        return
    console.print(text, markup=False)


@contextmanager
def spinner(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr while the block runs; call the yielded function to change its text."""
    console = _rich_console(stderr=True) if sys.stderr.isatty() else None
    if console is None:
        yield lambda text: None
        return
    with console.status(message) as status:
        yield lambda text: status.update(text)


@contextmanager
def progress(message: str) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr; the yielded function takes (text, done, total)."""
    console = _rich_console(stderr=True) if sys.stderr.isatty() else None
    if console is None:
        yield lambda text, done, total: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(message, total=None)

        def update(text: str, done: int, total: int) -> None:
            bar.update(task, description=text, completed=done, total=total)

        yield update


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if 0 < abs(value) < 0.001:
        return "<0.1%" if value > 0 else "-<0.1%"
    return f"{value * 100:.{digits}f}%"


def signed(value: int) -> str:
    return f"+{value:,}" if value > 0 else (f"−{-value:,}" if value < 0 else "0")


def signed_percent(value: float) -> str:
    """A relative change with its sign, written like :func:`signed` (+12.5%, −74.0%)."""
    text = percent(abs(value))
    return text if value == 0 else ("+" if value > 0 else "−") + text
