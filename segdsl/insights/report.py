"""``segdsl report``: one self-contained HTML file about a set of segments.

Everything is computed from ONE compiled query, materialised as a temporary table (the key,
one boolean per segment, the value of every field and trait): sizes, the overlap matrix and
intersections, and each segment's profile. The page has inline CSS and inline SVG charts
(:mod:`segdsl.insights.charts`), no script and no link to anything outside the file, so it
opens offline and can be mailed around. It is written to a temporary file and renamed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from segdsl import ir
from segdsl.insights import charts
from segdsl.insights.database import Database
from segdsl.insights.files import atomic_write_text
from segdsl.insights.overlap import Overlap, overlap_from_table
from segdsl.insights.profile import (
    MISSING,
    NO_ELEMENTS,
    FeatureProfile,
    build_base,
    profile_base,
)

COMBOS_TABLE = "segdsl_report_combinations"


@dataclass
class SegmentSection:
    segment: ir.Segment
    english: str | None
    members: int
    share: float | None
    sql: str
    features: list[FeatureProfile]


@dataclass
class ReportData:
    entity: str
    total: int
    as_of: dt.date | None
    database: str
    generated_at: str
    seconds: float
    sections: list[SegmentSection]
    overlap: Overlap


def english(segment: ir.Segment, schema: Any) -> str | None:
    """The segment in plain English from segdsl.describe, when that module is there."""
    try:
        module = importlib.import_module("segdsl.describe")
    except ImportError:
        return None
    describe = getattr(module, "describe_segment", None)
    if not callable(describe):
        return None
    try:
        text = describe(segment, schema)
    except Exception:  # a describer bug must not cost the user the report
        return None
    return text if isinstance(text, str) and text.strip() else None


def build_report(db_path: str, program: Any, segments: list[ir.Segment], as_of: dt.date | None,
                 top: int = 12, on_step: Callable[[str, int, int], None] | None = None) -> ReportData:
    """Compute everything the report shows. ``on_step(text, done, total)`` reports progress."""
    from segdsl.compiler import segment_sql

    started = time.perf_counter()
    schema = program.schema
    names = [s.name for s in segments]
    with Database(db_path, schema) as db:
        if on_step:
            on_step("computing members, fields and traits (one query)", 0, 1)
        base = build_base(db, program, segments, as_of)
        steps = len(base.features) + 2
        if on_step:
            on_step("overlaps", 1, steps)
        columns = ", ".join(f'"{base.segments[n]}" AS "c{i}"' for i, n in enumerate(names))
        groups = ", ".join(str(i + 1) for i in range(len(names)))
        db.execute(f'CREATE OR REPLACE TEMP TABLE {COMBOS_TABLE} AS SELECT {columns}, COUNT(*) AS n '
                   f'FROM {base.table} GROUP BY {groups}')
        total, counts, in_none, combos, intersections = overlap_from_table(db, names, COMBOS_TABLE, top)
        done = [1]

        def feature_step(name: str) -> None:
            done[0] += 1
            if on_step:
                on_step(f"profiling {name}", done[0], steps)

        profiles = profile_base(db, base, names, feature_step)
    sizes = [counts[i][i] for i in range(len(names))]
    overlap = Overlap(schema.entity, total, as_of, 0.0, names, sizes, counts, in_none, combos, intersections)
    sections = [SegmentSection(s, english(s, schema), base.members[s.name],
                               base.members[s.name] / base.total if base.total else None,
                               segment_sql(s, schema, "duckdb", as_of), profiles[s.name])
                for s in segments]
    if on_step:
        on_step("writing the page", steps, steps)
    generated = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    return ReportData(schema.entity, base.total, as_of, db_path, generated,
                      time.perf_counter() - started, sections, overlap)


# ---- HTML ------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #212529; --muted: #868e96; --line: #e9ecef; --bg: #f8f9fa; --accent: #e8590c; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: #212529; color: #f8f9fa; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #ced4da; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 60px; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 16px 0 8px; color: #495057; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; }
.grid2 > .card { margin: 0; overflow-x: auto; }
.muted { color: var(--muted); }
.pill { display: inline-block; background: #fff4e6; color: #d9480f; border-radius: 999px;
  padding: 1px 10px; font-size: 13px; font-weight: 600; margin-left: 8px; vertical-align: 2px; }
.desc { font-size: 15px; margin: 4px 0; }
.english { margin: 4px 0; color: #495057; font-style: italic; }
nav { margin: 0 0 18px; line-height: 2; }
nav a { display: inline-block; margin: 0 6px 0 0; padding: 0 8px; border-radius: 4px; background: #fff;
  border: 1px solid var(--line); color: var(--ink); text-decoration: none; font-size: 13px; }
.features { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 14px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
figcaption { display: flex; justify-content: space-between; gap: 8px; margin-bottom: 6px; }
figcaption .score { color: var(--muted); font-size: 12px; white-space: nowrap; }
.note { margin: 6px 0 0; font-size: 12px; color: #495057; }
.note b { color: var(--accent); font-weight: 600; }
svg.chart { display: block; max-width: 100%; height: auto; overflow: visible; }
svg text { font-size: 12px; font-family: inherit; }
svg text.small { font-size: 10px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: #495057; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin-top: 10px; }
summary { cursor: pointer; color: #495057; font-weight: 600; }
pre { background: #f1f3f5; border-radius: 6px; padding: 10px 12px; overflow-x: auto; font-size: 12px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
@media print { header { background: none; color: var(--ink); } .card { break-inside: avoid; } }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _count(value: int) -> str:
    return f"{value:,}"


def _anchor(name: str) -> str:
    return "seg-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)


def _chart(feature: FeatureProfile) -> str:
    if feature.kind in ("numeric", "date"):
        pairs = [charts.Pair(b.label, b.inside, b.outside,
                             tick=charts.compact(b.low) if b.low is not None and feature.by == "bin" else None)
                 for b in feature.buckets if b.label != MISSING]
        missing = next((b for b in feature.buckets if b.label == MISSING), None)
        show_missing = missing is not None and ((missing.inside or 0) > 0 or (missing.outside or 0) > 0)
        return charts.histogram(pairs, missing=charts.Pair("missing", missing.inside, missing.outside)
                                if show_missing and missing is not None else None)
    buckets = [b for b in feature.buckets if feature.kind != "list" or b.label != NO_ELEMENTS][:8]
    buckets.sort(key=lambda b: -max(b.inside or 0.0, b.outside or 0.0))
    if feature.kind == "list":
        buckets += [b for b in feature.buckets if b.label == NO_ELEMENTS]
    return charts.paired_bars([charts.Pair(b.label, b.inside, b.outside) for b in buckets])


def _feature_note(feature: FeatureProfile) -> str:
    inside, outside = feature.summary("inside"), feature.summary("outside")
    return (f'<p class="note"><b>members</b> {_e(inside)}<br>'
            f'<span class="muted">everyone else</span> {_e(outside)}</p>')


def _score(feature: FeatureProfile) -> str:
    return "—" if feature.score is None else f"{feature.score:.2f}"


def _section(section: SegmentSection, data: ReportData, charts_per_segment: int) -> str:
    segment = section.segment
    out = [f'<section class="card segment" id="{_anchor(segment.name)}">',
           f'<h2>{_e(segment.name)}<span class="pill">{_count(section.members)} · '
           f'{_e(charts.percent(section.share))}</span></h2>']
    if segment.description:
        out.append(f'<p class="desc">{_e(segment.description)}</p>')
    if section.english:
        out.append(f'<p class="english">{_e(section.english)}</p>')
    out.append(f'<p class="muted">{_count(section.members)} of {_count(data.total)} {_e(data.entity)}s · '
               f'defined in {_e(segment.path)}:{segment.line}</p>')
    shown = [f for f in section.features if f.score is not None and f.note is None][:charts_per_segment]
    if not section.members:
        out.append('<p class="muted">This segment has no members, so there is nothing to profile.</p>')
    elif not shown:
        out.append(f'<p class="muted">Every {_e(data.entity)} is a member, so there is no one to compare '
                   'with.</p>')
    else:
        out.append('<h3>What sets them apart</h3>')
        out.append(charts.legend())
        out.append('<div class="features">')
        for feature in shown:
            kind = f"{feature.origin} · {feature.type}"
            out.append(f'<figure><figcaption><span><b>{_e(feature.name)}</b> '
                       f'<span class="muted">{_e(kind)}</span></span>'
                       f'<span class="score" title="total variation distance inside vs outside">'
                       f'score {_score(feature)}</span></figcaption>')
            out.append(_chart(feature))
            out.append(_feature_note(feature))
            out.append('</figure>')
        out.append('</div>')
        out.append('<details><summary>Every field and trait</summary><table><thead><tr><th>field or trait</th>'
                   '<th class="num">score</th><th>members</th><th>everyone else</th></tr></thead><tbody>')
        for feature in section.features:
            out.append(f'<tr><td>{_e(feature.name)} <span class="muted">{_e(feature.type)}</span></td>'
                       f'<td class="num">{_score(feature)}</td><td>{_e(feature.summary("inside"))}</td>'
                       f'<td>{_e(feature.summary("outside"))}</td></tr>')
        out.append('</tbody></table></details>')
    out.append(f'<details><summary>SQL (DuckDB)</summary><pre><code>{_e(section.sql)}</code></pre></details>')
    out.append('</section>')
    return "\n".join(out)


def render_html(data: ReportData, charts_per_segment: int = 6, title: str | None = None) -> str:
    overlap = data.overlap
    count = len(data.sections)
    heading = title or f"Segment report: {count} segment{'s' if count != 1 else ''}"
    as_of = data.as_of.isoformat() if data.as_of else "the database's current date"
    size_items = [(s.segment.name, s.share, f"{_count(s.members)} · {charts.percent(s.share)}")
                  for s in data.sections]
    nav = "".join(f'<a href="#{_anchor(s.segment.name)}">{_e(s.segment.name)}</a>' for s in data.sections)
    intersections = [(x.segments, x.members) for x in overlap.intersections]
    rows = "".join(
        f'<tr><td>{_e(" & ".join(x.segments))}</td><td class="num">{_count(x.members)}</td>'
        f'<td class="num">{_e(charts.percent(x.share))}</td></tr>' for x in overlap.intersections)
    in_none_share = overlap.in_none / overlap.total if overlap.total else None
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(heading)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(heading)}</h1><p>{_count(data.total)} {_e(data.entity)}s · as of {_e(as_of)} · "
        f"database {_e(data.database)} · generated {_e(data.generated_at)} with segdsl</p></header>",
        "<main>",
        f"<nav>{nav}</nav>",
        '<div class="grid2" style="margin-bottom:18px">',
        f'<section class="card" id="sizes"><h2>Sizes</h2><p class="muted">Members of each segment and their '
        f'share of all {_count(data.total)} {_e(data.entity)}s.</p>{charts.size_bars(size_items)}</section>',
        '<section class="card" id="overlap"><h2>Overlap</h2><p class="muted">Jaccard index: members in both '
        'segments ÷ members in either (hover a cell for the counts).</p>'
        f'{charts.heatmap(overlap.names, overlap.jaccard_matrix(), overlap.counts)}{charts.heat_scale()}</section>',
        "</div>",
        '<section class="card" id="intersections"><h2>Largest exact intersections</h2>'
        f'<p class="muted">{_e(data.entity.capitalize())}s in exactly these segments and in none of the others '
        f'shown here; {_count(overlap.in_none)} ({_e(charts.percent(in_none_share))}) are in no segment at all, '
        f'{_count(overlap.combinations)} combination{"s occur" if overlap.combinations != 1 else " occurs"}.</p>',
        charts.upset(overlap.names, overlap.sizes, intersections),
        '<details><summary>As a table</summary><table><thead><tr><th>segments</th><th class="num">'
        f'{_e(data.entity)}s</th><th class="num">share</th></tr></thead><tbody>{rows}</tbody></table></details>',
        "</section>",
    ]
    parts += [_section(section, data, charts_per_segment) for section in data.sections]
    parts.append(f'<p class="muted">Profile scores are the total variation distance between the '
                 f'distributions inside and outside each segment (0: the same, 1: nothing in common). '
                 f'Computed in {data.seconds:.1f} s.</p>')
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def write_report(path: str, html: str) -> None:
    """Atomically: a temporary file next to ``path``, then renamed (OSError on failure)."""
    atomic_write_text(Path(path), html)
