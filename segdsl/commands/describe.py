"""``segdsl describe``: segments in plain English, so their owners can check what they select."""

from __future__ import annotations

import datetime as dt
import json

import click

from segdsl.cli import Failed, _emit, as_of_option, load_program, pick_segment, schema_option


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--segment", help="Describe only this segment (default: every segment in the files).")
@schema_option
@as_of_option
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="Plain paragraphs, or JSON for tools.")
def describe(paths: tuple[str, ...], segment: str | None, schema_path: str | None,
             as_of: dt.date | None, output_format: str) -> None:
    """Say in plain English whom each segment selects (traits and references spelled out).

    With --as-of, relative time also reads as calendar days: "in the last 90 days (between
    2 April 2026 and 30 June 2026)".
    """
    from segdsl.describe import Describer, describe_segment

    as_json = output_format == "json"
    program = load_program(paths, None, schema_path, output_format=output_format)
    if program.errors or not as_json:  # JSON: warnings go in the body, so stdout is one document
        _emit(program.diagnostics, output_format)
    if program.errors:
        raise Failed
    chosen = [pick_segment(program, segment, None)] if segment or len(program.segments) == 1 \
        else list(program.segments.values())
    describer = Describer(program.schema, as_of=as_of)
    texts = [describe_segment(s, program.schema, describer) for s in chosen]
    if as_json:
        entries = [{"segment": s.name, "description": s.description, "text": text, "path": s.path,
                    "line": s.line} for s, text in zip(chosen, texts, strict=True)]
        from segdsl.render import as_dict

        body = {"as_of": as_of.isoformat() if as_of else None, "segments": entries,
                "warnings": [as_dict(d) for d in program.diagnostics]}
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(paragraph(s.name, s.description, text) for s, text in zip(chosen, texts, strict=True)),
               nl=False)


def paragraph(name: str, description: str | None, text: str) -> str:
    """``name — the author's description``, then the generated sentence, indented."""
    title = f"{name} — {description}" if description else name
    return f"{title}\n  {text}\n"
