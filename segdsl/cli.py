"""The command line: thin click commands over the library.

Exit codes: 0 fine, 1 problems found (diagnostics), 2 usage error. Heavy modules
(sqlglot, duckdb) are imported inside the commands that need them, so ``segdsl check``
starts fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import click

from segdsl import dialects
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.schema import Schema, read_schema

F = TypeVar("F", bound=Callable[..., Any])
EXPR_PATH = "<expr>"


class Failed(Exception):
    """Diagnostics were printed; exit with status 1."""


def _iso_date(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2026-06-30") from None


def _reference_date(ctx: click.Context | None, param: click.Parameter | None,
                    value: str | None) -> dt.date | None:
    """An ISO date, within the calendar limits of limits.reference_date."""
    from segdsl.limits import reference_date

    day = _iso_date(ctx, param, value)
    try:
        return None if day is None else reference_date(day)
    except ValueError as error:
        raise click.BadParameter(str(error).replace("as_of", "the date")) from None


def schema_option(func: F) -> F:
    return click.option("--schema", "schema_path", type=click.Path(dir_okay=False),
                        help="Schema YAML (default: schema.yml next to the first segment file, "
                             "or in a parent folder, or in the current folder).")(func)


def as_of_option(func: F) -> F:
    return click.option("--as-of", callback=_reference_date, metavar="YYYY-MM-DD",
                        help="Reference date for relative time (default: the engine's current date).")(func)


def dialect_option(func: F) -> F:
    return click.option("--dialect", default=dialects.DEFAULT_DIALECT, show_default=True,
                        type=click.Choice(list(dialects.DIALECTS), case_sensitive=False),
                        help="SQL dialect to write.")(func)


def format_option(func: F) -> F:
    return click.option("--format", "output_format", default="text", show_default=True,
                        type=click.Choice(["text", "json", "github"]),
                        help="How to print diagnostics.")(func)


def target_options(func: F) -> F:
    """--db TARGET, --engine spark and --master URL: where run, sizes and materialize run."""
    func = click.option("--master", metavar="URL",
                        help="Spark master URL (default local[*]); with --engine spark.")(func)
    func = click.option("--engine", type=click.Choice(["spark"], case_sensitive=False),
                        help="Run on Apache Spark instead of a --db database.")(func)
    return click.option("--db", "target", metavar="TARGET",
                        help="A DuckDB file, or a database URL: postgresql://…, sqlite:///…, mysql://…, "
                             "or any SQLAlchemy URL. With --engine spark: the Spark database to use "
                             "(optional).")(func)


def resolve_target(target: str | None, engine: str | None, master: str | None) -> Any:
    """The runners.Target for the --db/--engine/--master options; usage errors exit 2."""
    from segdsl.runners.base import resolve

    if target is None and engine is None:
        raise click.UsageError("give --db TARGET (a DuckDB file or a database URL), or --engine spark")
    if master is not None and engine is None:
        raise click.UsageError("--master only applies with --engine spark")
    try:
        return resolve(target, engine)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--db") from None


def _emit(diagnostics: list[Diagnostic], output_format: str = "text") -> None:
    from segdsl import render

    if output_format == "json":
        click.echo(render.json_report(diagnostics))
    elif output_format == "github":
        if diagnostics:
            click.echo(render.github_report(diagnostics))
    elif diagnostics:
        color = sys.stderr.isatty() and "NO_COLOR" not in os.environ
        click.echo(render.text_report(diagnostics, color=color), err=True)


def find_schema(paths: list[str]) -> str | None:
    """schema.yml next to the first segment path, in one of its parent folders, or in cwd."""
    if paths:
        first = os.path.realpath(paths[0])
        folder = first if os.path.isdir(first) else os.path.dirname(first)
        while True:
            candidate = os.path.join(folder, "schema.yml")
            if os.path.isfile(candidate):
                return candidate
            parent = os.path.dirname(folder)
            if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
                break
            folder = parent
    return "schema.yml" if os.path.isfile("schema.yml") else None


def load_schema_for(schema_path: str | None, paths: list[str], output_format: str = "text") -> Schema:
    chosen = schema_path or find_schema(paths)
    if chosen is None:
        raise click.UsageError("no schema.yml found next to the segments or in the current folder; "
                               "pass --schema FILE")
    schema, problems = read_schema(chosen)
    if schema is None or problems:
        _emit(problems, output_format)
        raise Failed
    return schema


def load_program(paths: tuple[str, ...], expr: str | None, schema_path: str | None,
                 dialect: str | None = None, output_format: str = "text") -> Any:
    from segdsl.project import build_program, read_sources

    if not paths and expr is None:
        raise click.UsageError("give segment files or folders, or an expression with -e")
    schema = load_schema_for(schema_path, list(paths), output_format)
    sources, problems = read_sources(list(paths))
    if expr is not None:
        sources.append((EXPR_PATH, expr))
    program = build_program(sources, schema, dialects.get(dialect) if dialect else None)
    program.diagnostics = problems + program.diagnostics
    return program


def pick_segment(program: Any, segment: str | None, expr: str | None) -> Any:
    if expr is not None:
        return next(s for s in program.segments.values() if s.path == EXPR_PATH)
    if segment is not None:
        if segment not in program.segments:
            from segdsl.diagnostics import did_you_mean

            suggestion = did_you_mean(segment, list(program.segments))
            hint = f" Did you mean '{suggestion}'?" if suggestion else ""
            raise click.UsageError(f"no segment named '{segment}'.{hint} "
                                   f"Segments: {', '.join(sorted(program.segments))}")
        return program.segments[segment]
    if len(program.segments) != 1:
        raise click.UsageError("these files define several segments; choose one with --segment NAME "
                               f"(segments: {', '.join(sorted(program.segments))})")
    return next(iter(program.segments.values()))


class LazyGroup(click.Group):
    """Commands that live in other modules load only when called (start-up stays fast)."""

    lazy: ClassVar[dict[str, str]] = {
        # name: "module:attribute"; each module defines one click command
        "check": "segdsl.commands.check:check",
        "compile": "segdsl.commands.compile:compile_command",
        "run": "segdsl.commands.run:run",
        "fmt": "segdsl.commands.fmt:fmt",
        "test": "segdsl.commands.test:test_command",
        "sizes": "segdsl.commands.sizes:sizes",
        "overlap": "segdsl.commands.overlap:overlap",
        "profile": "segdsl.commands.profile:profile",
        "describe": "segdsl.commands.describe:describe",
        "diff": "segdsl.commands.diff:diff",
        "report": "segdsl.commands.report:report",
        "materialize": "segdsl.commands.materialize:materialize",
        "export": "segdsl.commands.export:export",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        import importlib.util

        available = [name for name, target in self.lazy.items()
                     if importlib.util.find_spec(target.split(":")[0]) is not None]
        return sorted([*super().list_commands(ctx), *available])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib
            import importlib.util

            if importlib.util.find_spec(self.lazy[cmd_name].split(":")[0]) is None:
                return None

            module_name, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="segdsl")
def cli() -> None:
    """segdsl: customer segments as readable text, compiled to SQL for any warehouse."""


@cli.command()
@click.option("--db", "db_path", default="demo.duckdb", show_default=True, type=click.Path(dir_okay=False),
              help="Where to write the database (an earlier demo database there is replaced; any other file is left alone).")
@click.option("--customers", default=100_000, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--anchor-date", callback=_iso_date, metavar="YYYY-MM-DD",
              help="The demo's 'today': all activity happens on or before it (default: today).")
def demo(db_path: str, customers: int, seed: int, anchor_date: dt.date | None) -> None:
    """Write a deterministic demo DuckDB database that fits examples/schema.yml."""
    from segdsl.demo import generate_demo, main_stats_text

    stats = generate_demo(db_path, customers=customers, seed=seed, anchor_date=anchor_date)
    click.echo(main_stats_text(stats))


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every code.")
def explain(code: str | None, show_all: bool) -> None:
    """Explain a diagnostic code, e.g. segdsl explain SEG101."""
    from segdsl import codes

    if show_all or code is None:
        for info in codes.CODES.values():
            click.echo(f"{info.code}  {info.title}")
        return
    text = codes.explain(code)
    if text is None:
        raise click.UsageError(f"unknown code '{code}'; run 'segdsl explain --all' for the list")
    click.echo(text)


def _requested_format(argv: list[str]) -> str:
    """The --format the command line asked for: a problem found after the command started (a
    database that cannot be opened, say) is printed in it too, so tools always get JSON."""
    chosen = "text"
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--format" and index + 1 < len(argv):
            chosen = argv[index + 1]
        elif arg.startswith("--format="):
            chosen = arg.partition("=")[2]
    return chosen if chosen in ("json", "github") else "text"


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps outcomes to exit codes 0/1/2 and never shows a traceback for bad input."""
    try:
        cli.main(args=argv, prog_name="segdsl", standalone_mode=False)
    except Failed:
        sys.exit(1)
    except SegdslError as error:
        _emit(error.diagnostics, _requested_format(sys.argv[1:] if argv is None else argv))
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except RecursionError:  # last line of defence: limits.py should stop deep input long before
        from segdsl.diagnostics import Source, make
        from segdsl.limits import MAX_NESTING
        from segdsl.syntax import Span

        _emit([make("SEG005", "the input is nested too deeply to process", Source("<input>", ""),
                    Span.point(), f"keep conditions within {MAX_NESTING} levels of not/and/or, "
                    "counting the segments and traits they use")])
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
