"""``segdsl test``: run segment tests (``*.test.yml``, see segdsl/segment_tests.py) on DuckDB.

Prints one line per test file (``.`` passed, ``F`` failed, ``E`` the file has mistakes),
then each failure with the entities wrongly in or out and the conditions that decided it,
then a summary such as ``3 passed, 1 failed in 0.21s``. Exit 0 when everything passed,
1 otherwise, 2 on usage errors. ``--format json`` prints one document instead (for CI): the
counts, every expectation with its outcome, the misses with their deciding conditions, and
the problems in test files as diagnostics.
"""

from __future__ import annotations

import json
import time
from typing import Any

import click

from segdsl.cli import Failed, _emit, load_schema_for, schema_option


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@schema_option
@click.option("-v", "--verbose", is_flag=True, help="One line per expectation.")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="text: dots and failures; json: one document for CI.")
def test_command(paths: tuple[str, ...], schema_path: str | None, verbose: bool, output_format: str) -> None:
    """Run segment tests: *.test.yml files with rows and the expected members, on DuckDB."""
    from segdsl import dialects
    from segdsl.diagnostics import Diagnostic
    from segdsl.project import build_program, read_sources
    from segdsl.segment_tests import Outcome, find_tests, read_test, run_test

    started = time.perf_counter()
    if not paths:
        raise click.UsageError("give segment folders, .seg files or *.test.yml files")
    as_json = output_format == "json"
    say = (lambda line: None) if as_json else click.echo
    tests, segment_paths, problems = find_tests(list(paths))
    if problems:
        _emit(problems, output_format)
        raise Failed
    if not tests:
        message = f"no segment tests (*.test.yml) found in {', '.join(paths)}"
        if as_json:
            body = {**_json([], 0, [], [], time.perf_counter() - started), "message": message}
            click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        else:
            click.echo(message, err=True)
        raise Failed
    schema = load_schema_for(schema_path, segment_paths, output_format)
    sources, read_problems = read_sources(segment_paths)
    program = build_program(sources, schema, dialects.get("duckdb"))
    program.diagnostics = read_problems + program.diagnostics
    if program.errors:
        _emit(program.diagnostics, output_format)
        raise Failed

    outcomes: list[Outcome] = []
    broken: list[Diagnostic] = []
    failed_files: list[dict[str, str]] = []
    errors = 0
    for path in tests:
        test, found = read_test(path, schema, program)
        if test is None:
            broken.extend(found)
            errors += 1
            say(f"{path} E")
            continue
        try:
            results = run_test(test, program)
        except Exception as error:  # a database problem is one line, never a traceback
            errors += 1
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            failed_files.append({"path": path, "error": f"DuckDB could not run this test: {reason}"})
            say(f"{path} E")
            if not as_json:
                click.echo(f"  error: DuckDB could not run this test: {reason}", err=True)
            continue
        outcomes.extend(results)
        if as_json:
            continue
        if verbose:
            for outcome in results:
                click.echo(f"{path}::{outcome.segment} {'PASSED' if outcome.passed else 'FAILED'}")
        else:
            click.echo(f"{path} " + "".join("." if o.passed else "F" for o in results))
    failures = [o for o in outcomes if not o.passed]
    if as_json:
        click.echo(json.dumps(_json(outcomes, errors, broken, failed_files, time.perf_counter() - started),
                              indent=2, ensure_ascii=False, default=str))
        if failures or errors:
            raise Failed
        return
    if broken:
        _emit(broken)

    for outcome in failures:
        click.echo("")
        click.echo(f"FAILED {outcome.path}:{outcome.line}: {outcome.segment}")
        for line in describe_failure(outcome, schema.entity):
            click.echo(line)

    passed = len(outcomes) - len(failures)
    parts = [f"{passed} passed"] if passed else []
    parts += [f"{len(failures)} failed"] if failures else []
    parts += [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    click.echo("")
    click.echo(f"{', '.join(parts) or 'no tests ran'} in {time.perf_counter() - started:.2f}s")
    if failures or errors:
        raise Failed


def _json(outcomes: list[Any], errors: int, broken: list[Any], failed_files: list[dict[str, str]],
          seconds: float) -> dict[str, Any]:
    """Counts, every expectation (with the misses and their deciding conditions), problems."""
    from segdsl.render import as_dict

    failed = sum(not o.passed for o in outcomes)
    return {
        "passed": len(outcomes) - failed, "failed": failed, "errors": errors, "seconds": round(seconds, 3),
        "tests": [{"path": o.path, "line": o.line, "segment": o.segment, "passed": o.passed,
                   "misses": [{"key": m.key, "expected": "in" if m.expected_in else "out",
                               "deciding": [{"location": p.location, "condition": p.text, "held": p.held,
                                             "detail": p.detail or None} for p in m.deciding]}
                              for m in o.misses]} for o in outcomes],
        "problems": [as_dict(d) for d in broken],
        "file_errors": failed_files,
    }


def describe_failure(outcome: object, entity: str) -> list[str]:
    """The lines under FAILED: each entity wrongly in or out and the conditions that decided it."""
    from segdsl.segment_tests import Outcome, display_key

    assert isinstance(outcome, Outcome)
    lines = []
    for miss in outcome.misses:
        key = display_key(miss.key)
        if miss.expected_in:
            head = f"  {entity} {key} is not in {outcome.segment}, but the test expects it in"
            why = {"and": "it failed", "or": "no alternative held", "": "its condition did not hold"}[miss.joiner]
        else:
            head = f"  {entity} {key} is in {outcome.segment}, but the test expects it out"
            why = {"and": "every condition held", "or": "it matched", "": "its condition held"}[miss.joiner]
        lines.append(f"{head}; {why}:")
        for part in miss.deciding:
            detail = f" ({part.detail})" if part.detail else ""
            lines.append(f"    {part.location}: {part.text} → {'true' if part.held else 'false'}{detail}")
    return lines
