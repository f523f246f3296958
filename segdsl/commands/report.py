"""``segdsl report``: one self-contained HTML page with sizes, overlaps, profiles and SQL."""

from __future__ import annotations

import datetime as dt
import os

import click

from segdsl.cli import as_of_option, schema_option
from segdsl.insights.console import db_option, load_checked, output_format_option, select_segments


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option("--out", "-o", "out_path", default="report.html", show_default=True, type=click.Path(dir_okay=False),
              help="The HTML file to write (replaced atomically).")
@schema_option
@as_of_option
@click.option("--segment", "names", multiple=True, metavar="NAME",
              help="Report only this segment (repeat for several; default: every segment).")
@click.option("--charts", "charts_per_segment", default=6, show_default=True, type=click.IntRange(min=0),
              help="Profile charts per segment (the most distinctive fields and traits).")
@click.option("--top", default=12, show_default=True, type=click.IntRange(min=1),
              help="How many exact intersections to draw.")
@click.option("--title", help="The page title (default: 'Segment report: N segments').")
@output_format_option
def report(paths: tuple[str, ...], db_path: str, out_path: str, schema_path: str | None,
           as_of: dt.date | None, names: tuple[str, ...], charts_per_segment: int, top: int,
           title: str | None, output_format: str) -> None:
    """Write one HTML file (no network needed to view it): each segment's description, size,
    profile charts, the overlap heat map, the largest intersections and the compiled SQL."""
    from segdsl.insights import console
    from segdsl.insights.report import build_report, render_html, write_report

    folder = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(folder):
        raise click.BadParameter(f"the folder {folder} does not exist", param_hint="'--out'")
    program = load_checked(paths, None, schema_path, output_format)
    segments = select_segments(program, names, paths)
    with console.progress("computing") as update:
        data = build_report(db_path, program, segments, as_of, top, update)
        html = render_html(data, charts_per_segment, title)
        try:
            write_report(out_path, html)
        except OSError as error:
            raise click.ClickException(f"cannot write {out_path}: {error.strerror or error}") from None
    size = len(html.encode("utf-8"))
    if output_format == "json":
        console.echo_json({"out": out_path, "bytes": size, "segments": len(segments), "total": data.total,
                           "seconds": round(data.seconds, 3)})
        return
    console.print_line(f"wrote {out_path} ({size / 1024:,.0f} KB): {len(segments)} "
                       f"segment{'s' if len(segments) != 1 else ''}, "
                       f"{data.total:,} {data.entity}s, in {data.seconds:.1f} s")
