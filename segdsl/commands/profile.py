"""``segdsl profile``: who is in a segment, field by field, against everyone else.

Usage: ``segdsl profile SEGMENT [PATHS]... --db FILE`` — the segment's name first, then the
files or folders that define it (default: the current folder). ``--segment NAME`` or
``-e EXPR`` may be used instead of the name; then every argument is a path.
"""

from __future__ import annotations

import datetime as dt
import os

import click

from segdsl.cli import as_of_option, pick_segment, schema_option
from segdsl.insights.console import db_option, load_checked, output_format_option

USAGE = "segdsl profile SEGMENT [PATHS]... --db FILE  (or: segdsl profile --segment NAME PATHS... --db FILE)"


def _looks_like_path(text: str) -> bool:
    return os.path.exists(text) or text.endswith(".seg") or os.sep in text or "/" in text


@click.command()
@click.argument("args", nargs=-1, metavar="SEGMENT [PATHS]...")
@db_option
@click.option("--segment", help="The segment to profile; then every argument is a path.")
@click.option("-e", "--expr", help="Profile this expression instead of a named segment.")
@schema_option
@as_of_option
@click.option("--top", default=5, show_default=True, type=click.IntRange(min=0),
              help="Detail tables for this many of the most distinctive fields and traits.")
@output_format_option
def profile(args: tuple[str, ...], db_path: str, segment: str | None, expr: str | None,
            schema_path: str | None, as_of: dt.date | None, top: int, output_format: str) -> None:
    """Who is in SEGMENT: every field and trait inside versus outside, most distinctive first.

    Numbers get quantiles and the mean, categories their top values with shares and lift
    (share inside ÷ share among everyone), dates their months, lists their elements. The
    score is the total variation distance between the distributions inside and outside
    (0: looks the same, 1: nothing in common). PATHS default to the current folder.
    """
    from segdsl.insights import console
    from segdsl.insights.profile import compute_profile

    if segment is not None and expr is not None:
        raise click.UsageError("give either --segment or -e, not both")
    if segment is not None or expr is not None:
        name, paths = segment, args
    elif not args:
        raise click.UsageError(f"name the segment to profile: {USAGE}")
    elif _looks_like_path(args[0]):
        name, paths = None, args  # only paths: fine when they define a single segment
    else:
        name, paths = args[0], args[1:]
    if not paths and expr is None:
        paths = (".",)
    program = load_checked(paths, expr, schema_path, output_format)
    if name is None and expr is None and len(program.segments) != 1:
        raise click.UsageError(f"which segment? {USAGE} "
                               f"(segments: {', '.join(sorted(program.segments))})")
    chosen = pick_segment(program, name, expr)
    with console.spinner(f"profiling {chosen.name}…") as update:
        result = compute_profile(db_path, program, chosen, as_of, on_step=update)
    if output_format == "json":
        console.echo_json(result.to_json())
        return
    print_profile(result, chosen.description, top)


def print_profile(result: object, description: str | None, top: int) -> None:
    from segdsl.insights import console
    from segdsl.insights.profile import MISSING, Profile, format_number

    assert isinstance(result, Profile)
    as_of = result.as_of.isoformat() if result.as_of else "today"
    console.print_line(f"{result.segment}: {result.members:,} members "
                       f"({console.percent(result.share)} of {result.total:,} {result.entity}s), as of {as_of}")
    if description:
        console.print_line(description)
    console.print_line()
    rows = []
    for index, feature in enumerate(result.features, 1):
        score = "—" if feature.score is None else f"{feature.score:.2f}"
        rows.append([str(index), feature.name, f"{feature.origin} {feature.type}", score,
                     feature.summary("inside"), feature.summary("outside")])
    console.print_table("What sets the members apart (score: total variation distance, 0‥1)",
                        [console.Column("#", "right"), console.Column("field or trait"), console.Column("type"),
                         console.Column("score", "right"), console.Column("members"),
                         console.Column("everyone else")], rows)
    for feature in [f for f in result.features if f.score is not None and f.note is None][:top]:
        title = f"{feature.name} ({feature.type}) · score {feature.score:.2f}"
        if feature.kind in ("numeric", "date") and feature.inside is not None:
            integer = feature.type == "int"

            def show(value: object, integer: bool = integer) -> str:
                if isinstance(value, dt.datetime):
                    return value.isoformat(sep=" ")
                if isinstance(value, dt.date):
                    return value.isoformat()
                return format_number(value, integer) if isinstance(value, (int, float)) else "—"

            stats = [feature.inside, feature.outside]
            names = ["p10", "p25", "p50", "p75", "p90"]
            table = [[n + (" (median)" if n == "p50" else ""),
                      *(show(s.quantiles.get(n)) if s else "—" for s in stats)] for n in names]
            if feature.kind == "numeric":
                table.append(["mean", *(format_number(s.mean) if s else "—" for s in stats)])
            table.append(["missing", *(console.percent(s.missing) if s else "—" for s in stats)])
            console.print_table(title, [console.Column(""), console.Column("members", "right"),
                                        console.Column("everyone else", "right")], table)
            if feature.kind == "date" and feature.buckets:
                _print_by_period(feature)
        else:
            buckets = feature.buckets[:10] if feature.kind != "list" else feature.buckets
            console.print_table(title, [console.Column("value" if feature.kind != "list" else "element"),
                                        console.Column("members", "right"),
                                        console.Column("everyone else", "right"), console.Column("lift", "right")],
                                [[b.label if b.label != MISSING else "(missing)", console.percent(b.inside),
                                  console.percent(b.outside), "—" if b.lift is None else f"{b.lift:.2f}"]
                                 for b in buckets])
    console.note(f"profiled {len(result.features)} fields and traits in {result.seconds:.2f} s")


RECENT_PERIODS = 12


def _print_by_period(feature: object) -> None:
    """A date field's shares by month (by year over long spans): the most recent periods."""
    from segdsl.insights import console
    from segdsl.insights.profile import MISSING, FeatureProfile

    assert isinstance(feature, FeatureProfile)
    dated = [b for b in feature.buckets if b.label != MISSING]
    shown = dated[-RECENT_PERIODS:]
    unit = "year" if feature.by == "year" else "month"
    earlier = f", and {len(dated) - len(shown)} earlier {unit}s" if len(dated) > len(shown) else ""
    console.print_table(f"{feature.name} by {unit} (the last {len(shown)}{earlier})",
                        [console.Column(unit), console.Column("members", "right"),
                         console.Column("everyone else", "right")],
                        [[b.label, console.percent(b.inside), console.percent(b.outside)] for b in shown])
