"""``segdsl sizes``: member counts in one query, checked by hand on tests/dataset.py.

The hand-made dataset has ten customers (AS_OF = 2026-06-30). The segments used here and in
test_overlap.py / test_profile.py, with their members worked out from the rows:

* ``uk_ie``      region in ('UK', 'IE')   → 1 (UK), 2 (IE), 6 (UK)                     = 3
* ``women``      gender = 'female'        → 1, 5, 7, 8, 10                             = 5
* ``subscribed`` is_subscribed            → 1, 4, 5, 6, 8, 9 (3 has no value: false)  = 6
* ``big_buyers`` lifetime_value >= 300, lifetime_value = sum of paid order amounts:
  1: 100 + 200.50 + 300 = 600.50, 2: 600, 4: 1000 (a paid order, in the future, no window),
  5: 20 (the missing amount is ignored), 7: 0, 8: 120, 9: 5 × 60 = 300, 10: 5 × 100 = 500,
  3 and 6: no orders = 0                                                       → 1, 2, 4, 9, 10 = 5
* ``nobody``     age > 200                                                                     = 0
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segdsl.schema import Schema
from tests.conftest import EXAMPLES, ROOT

SEGMENTS = """\
segment uk_ie
  where region in ('UK', 'IE')

segment women
  description "Women"
  where gender = 'female'

segment subscribed
  where is_subscribed

segment big_buyers
  where lifetime_value >= 300

segment nobody
  where age > 200
"""
AS_OF = "2026-06-30"

_TYPES = {"int": "BIGINT", "decimal": "DECIMAL(18,4)", "string": "VARCHAR", "enum": "VARCHAR",
          "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}


def _duck_type(data_type: Any) -> str:
    if data_type.kind == "list":
        return _duck_type(data_type.element) + "[]"
    return _TYPES[data_type.kind]


def make_small_db(path: Path, schema: Schema) -> Path:
    """tests/dataset.py written into a DuckDB file, one table per schema table."""
    from tests.dataset import CUSTOMERS, RELATIONS
    from tests.engines._base import tables_for

    connection = duckdb.connect(str(path))
    try:
        for table in tables_for(schema, CUSTOMERS, RELATIONS):
            columns = ", ".join(f'"{c.name}" {_duck_type(c.type)}' for c in table.columns)
            connection.execute(f'CREATE TABLE "{table.name}" ({columns})')
            if table.rows:
                marks = ", ".join("?" for _ in table.columns)
                connection.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})',
                                       [list(row) for row in table.rows])
    finally:
        connection.close()
    return path


def write_project(folder: Path, segments: str = SEGMENTS) -> Path:
    """A folder with the example schema and one segment file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schema.yml").write_text((EXAMPLES / "schema.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "segments.seg").write_text(segments, encoding="utf-8")
    return folder


def segdsl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=cwd, capture_output=True, text=True,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=180)


@pytest.fixture()
def project(tmp_path: Path, example_schema: Schema) -> Path:
    folder = write_project(tmp_path / "project")
    make_small_db(folder / "small.duckdb", example_schema)
    return folder


def sizes_json(project: Path, *extra: str) -> dict[str, Any]:
    result = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, "--format", "json",
                    *extra, cwd=project)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_sizes_match_the_hand_counts(project: Path) -> None:
    data = sizes_json(project, "--no-snapshot")
    assert data["total"] == 10
    assert data["entity"] == "customer"
    counts = {s["segment"]: (s["members"], s["share"]) for s in data["segments"]}
    assert counts == {"uk_ie": (3, 0.3), "women": (5, 0.5), "subscribed": (6, 0.6),
                      "big_buyers": (5, 0.5), "nobody": (0, 0.0)}
    assert [s["segment"] for s in data["segments"]] == ["uk_ie", "women", "subscribed", "big_buyers", "nobody"]
    assert all(s["change"] is None for s in data["segments"])
    assert not (project / "small.duckdb.segdsl-sizes.json").exists()


def test_sizes_is_one_query_with_one_boolean_column_per_segment(example_schema: Schema) -> None:
    from segdsl.insights.sizes import sizes_sql
    from segdsl.project import build_program

    program = build_program([("s.seg", SEGMENTS)], example_schema)
    sql = sizes_sql(list(program.segments.values()), example_schema, None)
    assert sql.count("SELECT COUNT(*)") == 1
    assert sql.count('SUM(CASE WHEN "women" THEN 1 ELSE 0 END)') == 1
    assert sql.count('FROM "orders"') == 1  # the one relation pass the membership query makes


def test_snapshot_gives_the_change_since_the_last_run(project: Path, example_schema: Schema) -> None:
    first = sizes_json(project)
    snapshot = json.loads((project / "small.duckdb.segdsl-sizes.json").read_text(encoding="utf-8"))
    assert snapshot["format"] == "segdsl-sizes/1"
    assert snapshot["segments"]["women"]["members"] == 5
    assert snapshot["segments"]["women"]["as_of"] == AS_OF
    assert snapshot["segments"]["women"]["taken_at"].endswith("Z")
    assert first["snapshot"] == "small.duckdb.segdsl-sizes.json"
    from segdsl.insights.files import current_umask

    mode = (project / "small.duckdb.segdsl-sizes.json").stat().st_mode & 0o777
    assert mode == 0o666 & ~current_umask()  # not mkstemp's 0600
    # a new customer arrives: a woman in the UK, subscribed, no orders
    connection = duckdb.connect(str(project / "small.duckdb"))
    connection.execute("INSERT INTO customers (customer_id, gender, region, is_subscribed) "
                       "VALUES (11, 'female', 'UK', TRUE)")
    connection.close()
    second = sizes_json(project)
    changes = {s["segment"]: s["change"] for s in second["segments"]}
    assert changes == {"uk_ie": 1, "women": 1, "subscribed": 1, "big_buyers": 0, "nobody": 0}
    women = next(s for s in second["segments"] if s["segment"] == "women")
    assert women["previous"]["members"] == 5 and women["previous"]["total"] == 10
    assert women["members"] == 6 and second["total"] == 11
    assert not women["definition_changed"]
    # the text table shows the change column
    text = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, "--no-snapshot", cwd=project)
    assert text.returncode == 0, text.stderr
    assert "change since" in text.stdout
    row = next(line for line in text.stdout.splitlines() if line.strip().startswith("women"))
    assert row.split()[1:3] == ["6", "54.5%"] and row.split()[3] == "0"


def test_an_edited_segment_is_flagged(project: Path) -> None:
    sizes_json(project)
    (project / "segments.seg").write_text(SEGMENTS.replace("gender = 'female'", "gender = 'male'"),
                                          encoding="utf-8")
    data = sizes_json(project, "--no-snapshot")
    women = next(s for s in data["segments"] if s["segment"] == "women")
    assert women["members"] == 3  # men: 2, 6, 9
    assert women["change"] == -2
    assert women["definition_changed"]
    text = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, cwd=project)
    assert "definition changed" in text.stdout


def test_a_change_counted_on_another_reference_date_is_marked(project: Path) -> None:
    sizes_json(project)  # recorded as of AS_OF
    other = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--as-of", "2026-01-01", "--no-snapshot",
                   cwd=project)
    assert other.returncode == 0, other.stderr
    assert "† the previous count used another reference date" in other.stdout
    same = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, "--no-snapshot", cwd=project)
    assert "†" not in same.stdout


def test_a_broken_snapshot_file_is_a_warning_not_a_failure(project: Path) -> None:
    (project / "small.duckdb.segdsl-sizes.json").write_text("{not json", encoding="utf-8")
    result = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "Traceback" not in result.stderr
    assert json.loads((project / "small.duckdb.segdsl-sizes.json").read_text(encoding="utf-8"))["segments"]
    (project / "small.duckdb.segdsl-sizes.json").write_text('{"snapshots": 5}', encoding="utf-8")
    other = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, cwd=project)
    assert other.returncode == 0 and "is not a segdsl sizes snapshot (no 'segments' mapping)" in other.stderr


def test_segment_option_selects_and_suggests(project: Path) -> None:
    data = sizes_json(project, "--no-snapshot", "--segment", "women", "--segment", "uk_ie")
    assert [s["segment"] for s in data["segments"]] == ["women", "uk_ie"]
    result = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--segment", "wmen", cwd=project)
    assert result.returncode == 2
    assert "did you mean 'women'" in result.stderr.lower()


def test_missing_database_is_one_line_with_a_hint(project: Path) -> None:
    result = segdsl("sizes", "segments.seg", "--db", "missing.duckdb", cwd=project)
    assert result.returncode == 1
    assert "database missing.duckdb does not exist" in result.stderr
    assert "segdsl demo --db missing.duckdb" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_table_is_reported(project: Path) -> None:
    connection = duckdb.connect(str(project / "small.duckdb"))
    connection.execute("DROP TABLE orders")
    connection.close()
    result = segdsl("sizes", "segments.seg", "--db", "small.duckdb", cwd=project)
    assert result.returncode == 1
    assert "orders" in result.stderr and "does not have it" in result.stderr
    assert "Traceback" not in result.stderr


def test_column_of_the_wrong_type_is_named(project: Path) -> None:
    connection = duckdb.connect(str(project / "small.duckdb"))
    connection.execute("ALTER TABLE customers ALTER COLUMN region TYPE INTEGER USING length(region)")
    connection.close()
    result = segdsl("sizes", "segments.seg", "--db", "small.duckdb", cwd=project)
    assert result.returncode == 1
    assert "column customers.region is INTEGER" in result.stderr
    assert "the schema says enum" in result.stderr
    assert "declare it as 'int'" in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_in_segment_files_exit_1(project: Path) -> None:
    (project / "segments.seg").write_text("segment bad\n  where agee > 3\n", encoding="utf-8")
    result = segdsl("sizes", "segments.seg", "--db", "small.duckdb", cwd=project)
    assert result.returncode == 1
    assert "SEG101" in result.stderr
    as_json = segdsl("sizes", "segments.seg", "--db", "small.duckdb", "--format", "json", cwd=project)
    assert as_json.returncode == 1
    assert [d["code"] for d in json.loads(as_json.stdout)] == ["SEG101"]


def test_every_example_counts_on_the_demo_schema(tmp_path: Path, example_schema: Schema) -> None:
    """All example segments in one query, the same counts as one query per segment."""
    from segdsl.project import build_program, read_sources
    from segdsl.runner import run_segment
    from segdsl.runners import open_database
    from segdsl.runners.segments import count_members

    db = make_small_db(tmp_path / "small.duckdb", example_schema)
    sources, _ = read_sources([str(EXAMPLES / "segments")])
    program = build_program(sources, example_schema)
    segments = list(program.segments.values())
    import datetime as dt

    as_of = dt.date(2026, 6, 30)
    with open_database(str(db), read_only=True) as database:
        total, counts = count_members(database, segments, example_schema, as_of)
        assert total == 10
        for segment, count in zip(segments, counts, strict=True):
            assert count == run_segment(segment, example_schema, database, as_of).members, segment.name


@pytest.mark.parametrize("command", ["sizes", "overlap", "profile", "describe", "diff", "report", "run",
                                     "test", "materialize", "export dbt"])
def test_every_command_takes_json_and_the_issue_5_ones_take_as_of(command: str) -> None:
    """Issue 5: every insight command accepts --as-of and --format json; CI tools (test,
    materialize, export dbt) have --format json too."""
    import click

    from segdsl.cli import cli

    found: click.Command | None = cli
    context = click.Context(cli)
    for word in command.split():
        assert isinstance(found, click.Group)
        found = found.get_command(context, word)
    assert found is not None
    options = {name: param for param in found.params for name in param.opts}
    assert "json" in options["--format"].type.choices  # type: ignore[attr-defined]
    if command not in ("test",):
        assert "--as-of" in options
