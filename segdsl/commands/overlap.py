"""``segdsl overlap``: which segments share members, pairwise and as exact intersections."""

from __future__ import annotations

import datetime as dt

import click

from segdsl.cli import as_of_option, schema_option
from segdsl.insights.console import db_option, load_checked, output_format_option, select_segments

MATRIX_LIMIT = 12  # beyond this many segments the text matrix is too wide to read


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@schema_option
@as_of_option
@click.option("--segment", "names", multiple=True, metavar="NAME",
              help="Compare only these segments (repeat the option; default: every segment).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many pairs and intersections to list.")
@output_format_option
def overlap(paths: tuple[str, ...], db_path: str, schema_path: str | None, as_of: dt.date | None,
            names: tuple[str, ...], top: int, output_format: str) -> None:
    """Pairwise overlap (counts and Jaccard) and the largest exact intersections (UpSet-style)."""
    from segdsl.insights import console
    from segdsl.insights.overlap import compute_overlap

    program = load_checked(paths, None, schema_path, output_format)
    segments = select_segments(program, names, paths)
    with console.spinner(f"grouping {program.schema.entity}s by their {len(segments)} segments…"):
        result = compute_overlap(db_path, program.schema, segments, as_of, top)
    if output_format == "json":
        console.echo_json(result.to_json(top))
        return
    n = len(result.names)
    total = result.total
    as_of_text = as_of.isoformat() if as_of else "today"
    console.print_table(
        f"{n} segment{'s' if n != 1 else ''} · {total:,} {result.entity}s · as of {as_of_text}",
        [console.Column("#", "right"), console.Column("segment"), console.Column("members", "right"),
         console.Column("share", "right")],
        [[str(i + 1), name, f"{size:,}", console.percent(size / total if total else None)]
         for i, (name, size) in enumerate(zip(result.names, result.sizes, strict=True))])
    if 1 < n <= MATRIX_LIMIT:
        rows = []
        for i, name in enumerate(result.names):
            cells = []
            for j in range(n):
                jaccard = result.jaccard(i, j)
                cells.append(f"{result.counts[i][j]:,}" if i == j else
                             f"{result.counts[i][j]:,} ({console.percent(jaccard, 0)})")
            rows.append([f"{i + 1} {name}", *cells])
        console.print_table("Members in both (Jaccard: in both ÷ in either)",
                            [console.Column(""), *(console.Column(str(j + 1), "right") for j in range(n))],
                            rows)
    elif n > MATRIX_LIMIT:
        console.print_line(f"(the {n}×{n} matrix is in --format json and in 'segdsl report')\n")
    pairs = [p for p in result.pairs() if p.both][:top]
    if pairs:
        console.print_table(
            f"Most similar pairs (top {len(pairs)})",
            [console.Column("segment A"), console.Column("segment B"), console.Column("in both", "right"),
             console.Column("Jaccard", "right"), console.Column("of A", "right"), console.Column("of B", "right")],
            [[p.first, p.second, f"{p.both:,}", f"{p.jaccard:.3f}" if p.jaccard is not None else "—",
              console.percent(p.first_in_second), console.percent(p.second_in_first)] for p in pairs])
    elif n > 1:
        console.print_line("No two segments share a member.\n")
    largest = max((x.members for x in result.intersections), default=0)
    in_none = (f"{result.in_none:,} {result.entity}{'s' if result.in_none != 1 else ''} "
               f"({console.percent(result.in_none / total if total else None)}) "
               f"{'are' if result.in_none != 1 else 'is'} in none of these segments")
    if result.intersections:
        console.print_table(
            f"Largest exact intersections (in exactly these segments; {result.combinations:,} "
            f"combination{'s occur' if result.combinations != 1 else ' occurs'})",
            [console.Column("segments"), console.Column("members", "right"), console.Column("share", "right"),
             console.Column("")],
            [[" & ".join(x.segments), f"{x.members:,}", console.percent(x.share),
              "█" * max(1, round(20 * x.members / largest)) if largest else ""] for x in result.intersections],
            in_none)
    else:
        console.print_line(in_none)
    console.note(f"computed from one membership query in {result.seconds:.2f} s")
