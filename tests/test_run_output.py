"""``segdsl run --out`` and ``--format``: file contents, stdout formats, and atomic writes.

The database is tests/dataset.py in a DuckDB file. ``is_subscribed`` holds for customers
1, 4, 5, 6, 8 and 9 (2, 7 and 10 are not subscribed, 3 has no value): 6 of 10.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest

from segdsl.schema import Schema
from tests.conftest import EXAMPLES
from tests.test_cli import segdsl
from tests.test_diff import dataset_db

SCHEMA = str(EXAMPLES / "schema.yml")
SUBSCRIBED = [1, 4, 5, 6, 8, 9]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, example_schema: Schema) -> Path:
    return dataset_db(tmp_path_factory.mktemp("run") / "dataset.duckdb", example_schema)


def _run(db: Path, *args: str, expr: str = "is_subscribed") -> tuple[int, str, str]:
    result = segdsl("run", "-e", expr, "--schema", SCHEMA, "--db", str(db), *args)
    return result.returncode, result.stdout, result.stderr


def test_out_csv(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "members.csv"
    code, stdout, stderr = _run(db, "--out", str(out))
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8") == "customer_id\n" + "".join(f"{k}\n" for k in SUBSCRIBED)
    assert stdout.startswith("segment: 6 members (60.0% of 10 customers)")
    assert f"wrote 6 members to {out}" in stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["members.csv"]


def test_out_parquet_replaces_an_old_file(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "Members.PARQUET"
    out.write_bytes(b"old content")
    code, _, stderr = _run(db, "--out", str(out), "--format", "json")
    assert code == 0, stderr
    rows = duckdb.connect().execute("SELECT * FROM read_parquet(?)", [str(out)]).fetchall()
    assert rows == [(k,) for k in SUBSCRIBED]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Members.PARQUET"]


def test_format_csv_prints_every_member(db: Path) -> None:
    code, stdout, stderr = _run(db, "--format", "csv", "--limit", "2")
    assert code == 0, stderr
    assert stdout == "customer_id\n" + "".join(f"{k}\n" for k in SUBSCRIBED)


def test_format_json(db: Path) -> None:
    code, stdout, stderr = _run(db, "--format", "json", "--limit", "4", "--as-of", "2026-06-30")
    assert code == 0, stderr
    assert json.loads(stdout) == {"segment": "segment", "members": 6, "total": 10, "as_of": "2026-06-30",
                                  "sample": [1, 4, 5, 6]}


def test_format_table(db: Path) -> None:
    code, stdout, stderr = _run(db, "--limit", "3")
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0].startswith("segment: 6 members (60.0% of 10 customers) in ")
    assert "first 3 of 6" in stdout and "customer_id" in stdout
    assert [line.strip("│ ") for line in lines if line.strip("│ ").isdigit()] == ["1", "4", "5"]


def test_table_without_rich(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from segdsl.commands.run import print_table
    from segdsl.runner import RunResult

    monkeypatch.setitem(sys.modules, "rich.console", None)
    result = RunResult("vip", 1234, 100_000, [(7,), (9,)], ["customer_id"], 0.5, "")
    print_table(result, "customer")
    assert capsys.readouterr().out == ("vip: 1,234 members (1.2% of 100,000 customers) in 0.50 s\n"
                                       "first members: 7, 9\n")


@pytest.mark.parametrize("name", ["members.txt", "members"])
def test_unknown_extension_is_usage_error(tmp_path: Path, db: Path, name: str) -> None:
    code, _, stderr = _run(db, "--out", str(tmp_path / name))
    assert code == 2 and "must end in .csv or .parquet" in stderr
    assert list(tmp_path.iterdir()) == []


def test_failed_run_leaves_no_file(tmp_path: Path, example_schema: Schema) -> None:
    broken = dataset_db(tmp_path / "no_orders.duckdb", example_schema, skip=("orders",))
    folder = tmp_path / "out"
    folder.mkdir()
    code, stdout, stderr = _run(broken, "-o", str(folder / "members.csv"), expr="has orders")
    assert code == 1 and "error[SEG302]" in stderr and "orders" in stderr and "Traceback" not in stderr
    assert list(folder.iterdir()) == [] and stdout == ""


def test_failure_after_copy_removes_the_temporary_file(tmp_path: Path, db: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import segdsl.runners.members_file as members_file
    from segdsl.runners import open_database

    def refuse(source: str, target: str) -> None:
        assert Path(source).exists() and Path(source).parent == tmp_path  # written next to the target
        raise OSError("disk full")

    monkeypatch.setattr(members_file.os, "replace", refuse)
    with open_database(str(db), read_only=True) as database, pytest.raises(OSError, match="disk full"):
        members_file.write_members(database, 'SELECT 1 AS "customer_id"', "customer_id",
                                   str(tmp_path / "members.csv"), 3)
    assert list(tmp_path.iterdir()) == []


def test_query_error_during_copy_removes_the_temporary_file(tmp_path: Path, db: Path) -> None:
    from segdsl.diagnostics import SegdslError
    from segdsl.runners import open_database
    from segdsl.runners.members_file import write_members

    # ordered by the key, as run's own query always is: DuckDB 2.0's COPY of an UNordered query
    # that fails half-way can hang (reproduced in a loop on a busy machine; ordered, it did not)
    failing = ('SELECT CASE WHEN i = 150000 THEN error(\'boom\') ELSE i END AS "customer_id" '
               'FROM range(200000) AS t(i) ORDER BY "customer_id"')
    with open_database(str(db), read_only=True) as database, pytest.raises(SegdslError, match="boom"):
        write_members(database, failing, "customer_id", str(tmp_path / "m.parquet"), 3)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out", [None, "members.csv", "members.parquet"])
def test_the_segment_query_runs_once(tmp_path: Path, db: Path, out: str | None,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The members, their count and the first ones come from ONE execution of the segment's
    query: COUNT(*) OVER () beside the first members, or COPY's row count and a read-back of
    the file just written (DESCRIBE only reads types)."""
    from segdsl.cli import main
    from segdsl.runners.duckdb_runner import DuckDBDatabase

    ran: list[str] = []
    original = DuckDBDatabase.query

    def query(self: DuckDBDatabase, sql: str) -> list[tuple[object, ...]]:
        ran.append(sql)
        return original(self, sql)

    monkeypatch.setattr(DuckDBDatabase, "query", query)
    args = ["run", "-e", "is_subscribed", "--schema", SCHEMA, "--db", str(db), "--format", "json", "--limit", "2"]
    if out:
        args += ["--out", str(tmp_path / out)]
    with pytest.raises(SystemExit) as exit_code:
        main(args)
    assert exit_code.value.code == 0
    segment_runs = [sql for sql in ran if '"is_subscribed"' in sql and not sql.startswith("DESCRIBE")]
    assert len(segment_runs) == 1, ran
    if out:
        assert segment_runs[0].startswith("COPY (")
        assert (tmp_path / out).exists()
