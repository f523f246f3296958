"""``segdsl run`` and ``segdsl sizes`` on every kind of ``--db`` target, executed for real.

The shop of test_materialize.py (five customers, three orders) is loaded into DuckDB, SQLite,
PostgreSQL and MariaDB; the same commands must give the hand-worked answers on each:

* adults (age >= 18): 1 (30), 3 (40), 5 (22); 2 is 15 and 4 has no age          → 3
* uk (region = 'UK'): 1, 2                                                         → 2
* big_spenders (sum of order amounts > 100): 1 (60 + 50)                            → 1
* percent_sign (region starts with '50%'): 5 ('50%_off')                            → 1

Spark runs the same commands in tests/test_runners.py (one shared session). Servers skip
locally when unavailable and fail under CI=true.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from segdsl.cli import main
from segdsl.runners import open_database
from tests.test_materialize import SCHEMA, SEGMENTS, _load
from tests.test_runners import mysql_url, postgres_url

SIZES = {"adults": 3, "uk": 2, "big_spenders": 1, "percent_sign": 1}

TARGETS: dict[str, Callable[[Path], str]] = {
    "duckdb": lambda tmp: str(tmp / "shop.duckdb"),
    "sqlite": lambda tmp: f"sqlite:///{tmp / 'shop.db'}",
    "postgres": lambda tmp: postgres_url("segdsl_run_test"),
    "mysql": lambda tmp: mysql_url("segdsl_run_test"),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "schema.yml").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "shop.seg").write_text(SEGMENTS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEGDSL_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture(params=list(TARGETS))
def target(request: pytest.FixtureRequest, project: Path) -> Iterator[str]:
    url = TARGETS[request.param](project)
    if request.param == "duckdb":
        import duckdb

        duckdb.connect(url).close()
    elif request.param == "sqlite":
        sqlite3.connect(project / "shop.db").close()
    with open_database(url) as db:
        _load(db)
    yield url
    with open_database(url) as db:
        for table in ("shop_customers", "shop_orders"):
            db.execute(f"DROP TABLE IF EXISTS {table}")


def segdsl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in this process (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_code:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_code.value.code or 0), captured.out, captured.err


def test_run_on_every_target(target: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = segdsl(capsys, "run", "shop.seg", "--segment", "adults", "--db", target,
                            "--format", "json", "--limit", "2")
    assert code == 0, err
    assert json.loads(out) == {"segment": "adults", "members": 3, "total": 5, "as_of": None, "sample": [1, 3]}
    code, out, err = segdsl(capsys, "run", "shop.seg", "--segment", "percent_sign", "--db", target,
                            "--format", "csv")
    assert (code, out) == (0, "customer_id\n5\n"), err
    code, out, err = segdsl(capsys, "run", "shop.seg", "--segment", "uk", "--db", target,
                            "--out", "uk.parquet")
    assert code == 0, err
    assert out.startswith("uk: 2 members (40.0% of 5 customers)") and "wrote 2 members to uk.parquet" in out
    import duckdb

    assert duckdb.connect().execute("SELECT * FROM 'uk.parquet'").fetchall() == [(1,), (2,)]


def test_sizes_on_every_target_keeps_its_own_snapshot(target: str, project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = segdsl(capsys, "sizes", "shop.seg", "--db", target, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["total"] == 5
    assert {s["segment"]: s["members"] for s in data["segments"]} == SIZES
    snapshot = Path(data["snapshot"])
    assert snapshot.exists()
    if target.endswith(".duckdb") or target.startswith("sqlite:"):
        assert snapshot.name.endswith(".segdsl-sizes.json") and snapshot.parent.resolve() == project.resolve()
    else:  # a server: in the state folder, named after the engine and the database
        assert snapshot.parent == project / "state" / "sizes"
        assert snapshot.name.startswith(target.split(":")[0].replace("postgresql", "postgres"))
        assert "segdsl_run_test" in snapshot.name
        assert json.loads(snapshot.read_text(encoding="utf-8"))["database"] == data["database"]
    # one more customer: the change since the last run is this database's, not another's
    with open_database(target) as db:
        db.execute("INSERT INTO shop_customers VALUES (6, 70, 'UK', NULL)")
    code, out, err = segdsl(capsys, "sizes", "shop.seg", "--db", target, "--format", "json")
    assert code == 0, err
    changes = {s["segment"]: s["change"] for s in json.loads(out)["segments"]}
    assert changes == {"adults": 1, "uk": 1, "big_spenders": 0, "percent_sign": 0}


def test_snapshots_of_different_databases_do_not_collide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from segdsl.insights.snapshots import snapshot_path
    from segdsl.runners import resolve

    monkeypatch.setenv("SEGDSL_STATE_DIR", str(tmp_path))
    paths = [snapshot_path(resolve(t)) for t in (
        "shop.duckdb", "sqlite:///shop.db", "postgresql://me:secret@db:5432/shop",
        "postgresql://me@db:5432/other", "postgresql://me@db2:5432/shop", "mysql://me@db:5432/shop")]
    assert len(set(paths)) == len(paths)
    assert paths[0] == Path("shop.duckdb.segdsl-sizes.json")
    assert all("secret" not in str(p) and "me" not in p.name.split("-") for p in paths)
    # the same database through another user or password shares its snapshot
    assert snapshot_path(resolve("postgresql://you@db:5432/shop")) == paths[2]
    spark = [snapshot_path(resolve(None, "spark"), None, "a.parquet"),
             snapshot_path(resolve(None, "spark"), None, "b.parquet"),
             snapshot_path(resolve(None, "spark"), "spark://h:7077", "a.parquet")]
    assert len(set(spark)) == 3


def test_wrongly_typed_column_is_named_by_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    path = project / "shop.duckdb"
    duckdb.connect(str(path)).close()
    with open_database(str(path)) as db:
        _load(db)
        db.execute("ALTER TABLE shop_customers ALTER COLUMN age TYPE VARCHAR")
    code, _, err = segdsl(capsys, "run", "shop.seg", "--segment", "adults", "--db", "shop.duckdb")
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert "column shop_customers.age is VARCHAR in shop.duckdb, but the schema says int" in lines[0]
    assert "declare it as 'string'" in err and "INTEGER_LITERAL" not in err


@pytest.mark.parametrize(("args", "words"), [
    (["--engine", "spark", "--db", "a/b.duckdb"], "names a spark database"),
    (["--db", "shop.duckdb", "--master", "local[1]"], "--master only applies"),
    ([], "give --db"),
    (["--db", "oracle://h/x"], "oracle"),
])
def test_target_usage_errors(args: list[str], words: str, project: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("run", "sizes"):
        extra: list[Any] = ["--segment", "uk"] if command == "run" else []
        code, _, err = segdsl(capsys, command, "shop.seg", *extra, *args)
        assert code == 2, (command, err)
        assert words.lower() in err.lower()


def test_wrongly_typed_column_is_named_by_materialize_and_check(project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    path = project / "shop.duckdb"
    duckdb.connect(str(path)).close()
    with open_database(str(path)) as db:
        _load(db)
        db.execute("ALTER TABLE shop_customers ALTER COLUMN age TYPE VARCHAR")
        db.execute("ALTER TABLE shop_orders DROP COLUMN created_at")
    code, _, err = segdsl(capsys, "materialize", "shop.seg", "--db", "shop.duckdb", "--table", "members")
    assert code == 1
    assert "column shop_customers.age is VARCHAR in shop.duckdb, but the schema says int" in err.splitlines()[0]
    assert "INTEGER_LITERAL" not in err
    with open_database(str(path)) as db:
        assert not db.table_exists(("members",))
    # check --db warns about every field that does not fit, at the field in the schema
    code, _, err = segdsl(capsys, "check", "shop.seg", "--db", "shop.duckdb")
    assert code == 0, err
    assert "schema.yml:5:3: warning[SEG302]: column shop_customers.age is VARCHAR in shop.duckdb, " \
           "but the schema says int" in err
    assert "warning[SEG302]: table shop_orders in shop.duckdb has no column 'created_at'" in err
    assert "2 warnings" in err
    code, _, _ = segdsl(capsys, "check", "shop.seg", "--db", "shop.duckdb", "--strict")
    assert code == 1


@pytest.mark.parametrize("server", ["postgres", "mysql"])
def test_backslash_literals_whatever_the_servers_string_mode(server: str, project: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """PostgreSQL with standard_conforming_strings off, and MySQL with NO_BACKSLASH_ESCAPES, read
    a backslash in '…' differently from their defaults; a literal must still be exactly itself."""
    url = TARGETS[server](project)
    with open_database(url) as db:
        _load(db)
        backslash = "chr(92)" if server == "postgres" else "CHAR(92 USING utf8mb4)"
        db.execute(f"UPDATE shop_customers SET region = CONCAT('a', {backslash}) WHERE customer_id = 3")
        if server == "postgres":
            db.execute("ALTER DATABASE segdsl_run_test SET standard_conforming_strings = off")
        else:
            (saved,), = db.query("SELECT @@GLOBAL.sql_mode")
            db.execute("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')")
    (project / "slash.seg").write_text("segment slash\n  where region = 'a\\' or region in ('x\\', 'UK')\n",
                                       encoding="utf-8")
    try:
        code, out, err = segdsl(capsys, "run", "slash.seg", "--db", url, "--format", "csv")
        assert (code, out) == (0, "customer_id\n1\n2\n3\n"), err
    finally:
        with open_database(url) as db:
            if server == "postgres":
                db.execute("ALTER DATABASE segdsl_run_test RESET standard_conforming_strings")
            else:
                db.execute(f"SET GLOBAL sql_mode = '{saved}'")
            for table in ("shop_customers", "shop_orders"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
