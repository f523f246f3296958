"""``segdsl diff``: changed conditions from the IR, and enter/leave/stay on the small dataset.

The database is tests/dataset.py loaded into a DuckDB file; every expected member set below
is worked out by hand from the dataset's rows and comments (reference date 2026-06-30).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segdsl import ir
from segdsl.project import build_program
from segdsl.schema import Schema
from segdsl.structural_diff import conjuncts, diff_conditions, diff_segments, subject
from tests.conftest import EXAMPLES
from tests.test_cli import segdsl

SCHEMA = str(EXAMPLES / "schema.yml")
AS_OF = "2026-06-30"
_TYPES = {"int": "BIGINT", "decimal": "DECIMAL(18,4)", "string": "VARCHAR", "enum": "VARCHAR",
          "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}


def _type(data_type: Any) -> str:
    return f"{_type(data_type.element)}[]" if data_type.kind == "list" else _TYPES[data_type.kind]


def dataset_db(path: Path, schema: Schema, skip: tuple[str, ...] = ()) -> Path:
    """tests/dataset.py as a DuckDB file (tables named in ``skip`` are left out)."""
    from tests.dataset import CUSTOMERS, RELATIONS
    from tests.engines._base import tables_for

    connection = duckdb.connect(str(path))
    for table in tables_for(schema, CUSTOMERS, RELATIONS):
        if table.name in skip:
            continue
        columns = ", ".join(f'"{c.name}" {_type(c.type)}' for c in table.columns)
        connection.execute(f'CREATE TABLE "{table.name}" ({columns})')
        if table.rows:
            marks = ", ".join("?" for _ in table.columns)
            connection.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', [list(r) for r in table.rows])
    connection.close()
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, example_schema: Schema) -> Path:
    return dataset_db(tmp_path_factory.mktemp("diff") / "dataset.duckdb", example_schema)


# Old: aged 25..40 in the UK or Ireland → customers 1 (30, UK), 2 (40, IE), 6 (25, UK).
# New: region also DE, age up to 45, at least one order in the last 90 days (04-02 … 06-30):
#   1 (three orders in the window) and 2 (refunded order 06-01) stay; 6 (no orders) leaves;
#   9 (35, DE, order 905 on 06-20) enters. 5 is in DE but 65.
OLD = """segment uk_frequent
  description "UK and Irish adults"
  where age 25..40 and region in ('UK', 'IE')
"""
NEW = """segment uk_frequent
  description "UK and Irish adults"
  where region in ('UK', 'IE', 'DE') and age 25..45 and orders_90d >= 1
"""
# Several segments: 'a' keeps the subscribed (1, 4, 5, 6, 8, 9) aged 30 or more → 4 (17) and
# 6 (25) leave, 1, 5, 8, 9 stay; 'gone' (region FR: 7, 10) is removed; 'fresh' (no orders at
# all: 3, 6 — 4's only order is in the future but still counts) is added.
OLD_MANY = """segment a where is_subscribed
segment gone where region = 'FR'
"""
NEW_MANY = """segment a where is_subscribed and age >= 30
segment fresh where no orders
"""


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _json_diff(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    extra = {"cwd": cwd} if cwd else {}
    result = segdsl("diff", *args, "--schema", SCHEMA, "--as-of", AS_OF, "--format", "json", **extra)  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_enter_leave_stay_by_hand(tmp_path: Path, db: Path) -> None:
    old, new = _write(tmp_path, "old.seg", OLD), _write(tmp_path, "new.seg", NEW)
    out = _json_diff(old, new, "--db", str(db))
    assert out["total"] == 10 and out["as_of"] == AS_OF
    [seg] = out["segments"]
    assert seg["segment"] == "uk_frequent" and seg["status"] == "changed"
    members = seg["members"]
    assert (members["old"], members["new"]) == (3, 3)
    assert (members["enter"], members["leave"], members["stay"]) == (1, 1, 2)
    assert members["sample"] == {"enter": [9], "leave": [6], "stay": [1, 2]}
    assert [(c["change"], c["old"], c["new"]) for c in seg["conditions"]] == [
        ("changed", "in the UK or Ireland", "in the UK, Ireland or Germany"),
        ("changed", "aged 25 to 40", "aged 25 to 45"),
        ("added", None, "with at least one order in the last 90 days"),
    ]
    assert seg["conditions"][2]["new_canonical"] == \
        "count(orders during created_at >= (as_of + 1 days - 90 day) and <= as_of) >= 1"
    assert seg["unchanged_conditions"] == 0


def test_text_output(tmp_path: Path, db: Path) -> None:
    old, new = _write(tmp_path, "old.seg", OLD), _write(tmp_path, "new.seg", NEW)
    result = segdsl("diff", old, new, "--db", str(db), "--schema", SCHEMA, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "uk_frequent: changed (conditions: 2 changed, 1 added, 0 unchanged)\n"
        "  ~ in the UK or Ireland\n"
        "    → in the UK, Ireland or Germany\n"
        "  ~ aged 25 to 40\n"
        "    → aged 25 to 45\n"
        "  + with at least one order in the last 90 days\n"
        "  members: 3 → 3 of 10 customers\n"
        "    enter  1   9\n"
        "    leave  1   6\n"
        "    stay   2   1, 2\n")


def test_several_segments_added_and_removed(tmp_path: Path, db: Path) -> None:
    old, new = _write(tmp_path, "old.seg", OLD_MANY), _write(tmp_path, "new.seg", NEW_MANY)
    out = _json_diff(old, new, "--db", str(db), "--sample", "10")
    found = {s["segment"]: s for s in out["segments"]}
    assert [s["segment"] for s in out["segments"]] == ["a", "fresh", "gone"]
    assert found["a"]["status"] == "changed"
    assert found["a"]["members"]["sample"] == {"enter": [], "leave": [4, 6], "stay": [1, 5, 8, 9]}
    assert found["fresh"]["status"] == "added"
    assert (found["fresh"]["members"]["enter"], found["fresh"]["members"]["sample"]["enter"]) == (2, [3, 6])
    assert [c["change"] for c in found["fresh"]["conditions"]] == ["added"]
    assert found["gone"]["status"] == "removed"
    assert found["gone"]["members"]["sample"] == {"enter": [], "leave": [7, 10], "stay": []}
    assert found["gone"]["conditions"] == [{"change": "removed", "old": "in France", "new": None,
                                            "old_canonical": "region = 'FR'", "new_canonical": None}]
    only = _json_diff(old, new, "--db", str(db), "--segment", "a", "--sample", "0")
    assert [s["segment"] for s in only["segments"]] == ["a"]
    assert only["segments"][0]["members"]["sample"] == {"enter": [], "leave": [], "stay": []}
    assert (only["segments"][0]["members"]["leave"], only["segments"][0]["members"]["stay"]) == (2, 4)


def test_one_query_for_all_versions(tmp_path: Path, db: Path, example_schema: Schema,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    import segdsl.insights.database
    from segdsl.commands.diff import member_changes

    calls: list[str] = []
    original = segdsl.insights.database.execute

    def counting(connection: Any, sql: str, schema: Schema, db_path: str) -> Any:
        if not sql.startswith("DESCRIBE"):  # the column check reads types, not data
            calls.append(sql)
        return original(connection, sql, schema, db_path)

    monkeypatch.setattr(segdsl.insights.database, "execute", counting)
    old = build_program([("old.seg", OLD_MANY)], example_schema).segments
    new = build_program([("new.seg", NEW_MANY)], example_schema).segments
    members, total = member_changes(diff_segments(old, new), example_schema, str(db), dt.date(2026, 6, 30), 3)
    assert len(calls) == 1 and total == 10
    assert [(m.enter, m.leave, m.stay) for m in members] == [(0, 2, 4), (2, 0, 0), (0, 2, 0)]


def test_git_revision(tmp_path: Path, db: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                       check=True, capture_output=True)

    git("init", "-q")
    _write(repo, "frequent.seg", OLD)
    git("add", "frequent.seg")
    git("commit", "-q", "-m", "old")
    _write(repo, "frequent.seg", NEW)
    out = _json_diff("git:HEAD:frequent.seg", "frequent.seg", "--db", str(db), cwd=repo)
    members = out["segments"][0]["members"]
    assert (members["enter"], members["leave"], members["stay"]) == (1, 1, 2)

    bare_old = "age 25..40 and region in ('UK', 'IE')\n"
    _write(repo, "bare.seg", bare_old)
    git("add", "bare.seg")
    git("commit", "-q", "-m", "bare")
    _write(repo, "bare.seg", bare_old.replace("40", "41"))
    out = _json_diff("git:HEAD:./bare.seg", "bare.seg", "--db", str(db), cwd=repo)
    assert out["segments"][0]["segment"] == "bare" and out["segments"][0]["members"]["enter"] == 0

    for spec, words in [("git:nope:frequent.seg", "cannot read frequent.seg at nope"),
                        ("git:HEAD:missing.seg", "cannot read missing.seg at HEAD")]:
        result = segdsl("diff", spec, "frequent.seg", "--db", str(db), "--schema", SCHEMA, cwd=repo)
        assert result.returncode == 1, result.stderr
        assert words in result.stderr and "hint: check the revision" in result.stderr
        assert "Traceback" not in result.stderr
    outside = segdsl("diff", "git:HEAD:a.seg", str(repo / "frequent.seg"), "--db", str(db), "--schema", SCHEMA,
                     cwd=tmp_path)
    assert outside.returncode == 1 and "not a git repository" in outside.stderr
    malformed = segdsl("diff", "git:HEAD", "frequent.seg", "--db", str(db), "--schema", SCHEMA, cwd=repo)
    assert malformed.returncode == 2 and "git:REV:path" in malformed.stderr


OLD_SCHEMA_FIELD = "  country: {type: enum, values: [UK, IE, US, DE, FR, ES], column: region}\n"


def test_git_folder_at_a_revision_with_the_schema_of_that_revision(tmp_path: Path, db: Path) -> None:
    """``git:REV:folder`` reads every .seg below the folder at REV (nested ones too), checked
    against REV's schema.yml: the old files say 'country', a field the current schema renamed
    to 'region' (same column). Reordering an in-list changes nothing; age >= 40 → 41 makes
    customer 2 (40) leave; 5, 7, 8 and 10 stay."""
    repo = tmp_path / "repo"
    (repo / "segments" / "sub").mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                       check=True, capture_output=True)

    current = (EXAMPLES / "schema.yml").read_text(encoding="utf-8")
    region_line = next(line for line in current.splitlines(keepends=True) if line.startswith("  region:"))
    _write(repo, "schema.yml", current.replace(region_line, OLD_SCHEMA_FIELD))
    _write(repo / "segments", "uk.seg", "segment uk\n  where country in ('UK', 'IE')\n")
    _write(repo / "segments" / "sub", "older.seg", "segment older\n  where age >= 40\n")
    _write(repo / "segments", "notes.txt", "not a segment file")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "old")
    _write(repo, "schema.yml", current)
    _write(repo / "segments", "uk.seg", "segment uk\n  where region in ('IE', 'UK')\n")
    _write(repo / "segments" / "sub", "older.seg", "segment older\n  where age >= 41\n")

    result = segdsl("diff", "git:HEAD:segments", "segments", "--db", str(db), "--as-of", AS_OF,
                    "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    by_name = {s["segment"]: s for s in json.loads(result.stdout)["segments"]}
    assert by_name["uk"]["status"] == "unchanged" and by_name["uk"]["conditions"] == []
    assert by_name["uk"]["members"]["stay"] == 3
    older = by_name["older"]
    assert older["status"] == "changed"
    assert [(c["old_canonical"], c["new_canonical"]) for c in older["conditions"]] == [("age >= 40", "age >= 41")]
    members = older["members"]
    assert (members["enter"], members["leave"], members["stay"]) == (0, 1, 4)
    assert members["sample"]["leave"] == [2]
    # the same folder from the repository's subfolder, relative with ./
    nested = segdsl("diff", "git:HEAD:./uk.seg", "uk.seg", "--db", str(db), "--format", "json",
                    cwd=repo / "segments")
    assert nested.returncode == 0, nested.stderr
    # --schema wins for both versions: the old files do not check against it
    forced = segdsl("diff", "git:HEAD:segments", "segments", "--db", str(db), "--schema", "schema.yml", cwd=repo)
    assert forced.returncode == 1 and "unknown field 'country'" in forced.stderr.lower()
    empty = segdsl("diff", "git:HEAD:segments/sub/..", "segments", "--db", str(db), cwd=repo)
    assert empty.returncode == 1 and "Traceback" not in empty.stderr


def test_reordered_in_list_is_not_a_change(example_schema: Schema) -> None:
    old = build_program([("o.seg", "segment s where region in ('UK', 'IE') and age > 3 "
                                   "and count(orders where status in ('paid', 'refunded')) >= 1")],
                        example_schema).segments
    new = build_program([("n.seg", "segment s where count(orders where status in ('refunded', 'paid')) >= 1 "
                                   "and region in ('IE', 'UK', 'IE') and age > 3")], example_schema).segments
    [pair] = diff_segments(old, new)
    assert pair.status == "unchanged" and pair.unchanged == 3
    edited = build_program([("e.seg", "segment s where region in ('IE', 'FR') and age > 3 "
                                      "and count(orders where status in ('paid', 'refunded')) >= 1")],
                           example_schema).segments
    [pair] = diff_segments(old, edited)
    assert [c.kind for c in pair.changes] == ["changed"]


def test_wrongly_typed_column_is_named(tmp_path: Path, example_schema: Schema) -> None:
    broken = dataset_db(tmp_path / "typed.duckdb", example_schema)
    connection = duckdb.connect(str(broken))
    connection.execute("ALTER TABLE customers ALTER COLUMN age TYPE VARCHAR")
    connection.close()
    old, new = _write(tmp_path, "old.seg", OLD), _write(tmp_path, "new.seg", NEW)
    result = segdsl("diff", old, new, "--db", str(broken), "--schema", SCHEMA)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert "column customers.age is VARCHAR" in first and "the schema says int" in first
    assert "INTEGER_LITERAL" not in result.stderr and "Traceback" not in result.stderr


def test_with_context_for_segment_references(tmp_path: Path, db: Path) -> None:
    churn = (EXAMPLES / "segments" / "churn.seg").read_text(encoding="utf-8")
    new = _write(tmp_path, "churn.seg", churn.replace("lifetime_value >= 200", "lifetime_value >= 100"))
    old = str(EXAMPLES / "segments" / "churn.seg")
    without = segdsl("diff", old, new, "--db", str(db), "--schema", SCHEMA)
    assert without.returncode == 1 and "unknown segment 'high_value'" in without.stderr
    out = _json_diff(old, new, "--db", str(db), "--with", str(EXAMPLES / "segments"))
    status = {s["segment"]: s["status"] for s in out["segments"]}
    # vip_keep_warm inlines churn_risk, so its IR changes too
    assert status == {"churn_risk": "changed", "dormant": "unchanged", "vip_keep_warm": "changed"}
    churn_risk = next(s for s in out["segments"] if s["segment"] == "churn_risk")
    assert [(c["old"], c["new"]) for c in churn_risk["conditions"]] == [
        ("who spent at least 200 on paid orders", "who spent at least 100 on paid orders")]


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--segment", "uk_frequnt"], 2, "did you mean 'uk_frequent'"),
    (["--db", "/nonexistent/x.duckdb"], 1, "does not exist"),
    (["--as-of", "2026-02-30"], 2, "is not a date"),
])
def test_bad_input(tmp_path: Path, db: Path, args: list[str], code: int, words: str) -> None:
    old, new = _write(tmp_path, "old.seg", OLD), _write(tmp_path, "new.seg", NEW)
    base = ["--db", str(db)] if "--db" not in args else []
    result = segdsl("diff", old, new, "--schema", SCHEMA, *base, *args)
    assert result.returncode == code, result.stderr
    assert words in result.stderr.lower() and "Traceback" not in result.stderr


def test_missing_table_is_one_error(tmp_path: Path, example_schema: Schema) -> None:
    empty = dataset_db(tmp_path / "no_orders.duckdb", example_schema, skip=("orders",))
    old, new = _write(tmp_path, "old.seg", OLD), _write(tmp_path, "new.seg", NEW)
    result = segdsl("diff", old, new, "--db", str(empty), "--schema", SCHEMA)
    assert result.returncode == 1
    assert "error[SEG302]" in result.stderr and "orders" in result.stderr and "Traceback" not in result.stderr


# ---- structural comparison on its own -----------------------------------------------------


def _pred(example_schema: Schema, expr: str) -> ir.Pred:
    program = build_program([("<expr>", expr)], example_schema)
    assert program.ok, program.errors
    return next(iter(program.segments.values())).pred


def test_reordering_and_traits_are_not_changes(example_schema: Schema) -> None:
    old = _pred(example_schema, "age 25..40 and (region = 'UK' and orders_90d >= 3)")
    new = _pred(example_schema, "count(orders in last 90 days) >= 3 and region = 'UK' and age 25..40")
    assert len(conjuncts(old)) == 3
    assert diff_conditions(old, new) == ([], 3)


def test_subjects_pair_edits(example_schema: Schema) -> None:
    old = _pred(example_schema, "has orders in last 30 days and not region = 'UK' and email contains 'a'")
    new = _pred(example_schema, "count(orders in last 90 days) >= 2 and region in ('UK', 'IE') and is_subscribed")
    changes, same = diff_conditions(old, new)
    assert same == 0
    assert [c.kind for c in changes] == ["changed", "changed", "added", "removed"]
    assert subject(_pred(example_schema, "region = 'UK' or age > 3")) is None


@pytest.mark.parametrize(("text", "name", "members"), [
    (OLD, "uk_frequent", {1, 2, 6}), (NEW, "uk_frequent", {1, 2, 9}),
    (OLD_MANY, "a", {1, 4, 5, 6, 8, 9}), (OLD_MANY, "gone", {7, 10}),
    (NEW_MANY, "a", {1, 5, 8, 9}), (NEW_MANY, "fresh", {3, 6}),
])
def test_hand_sets_agree_with_the_reference_evaluator(example_schema: Schema, text: str, name: str,
                                                      members: set[int]) -> None:
    from segdsl.evaluate import Dataset, evaluate_segment
    from tests.dataset import AS_OF as DATASET_AS_OF
    from tests.dataset import CUSTOMERS, RELATIONS

    segment = build_program([("v.seg", text)], example_schema).segments[name]
    data = Dataset(CUSTOMERS, RELATIONS)
    assert evaluate_segment(segment, example_schema, data, DATASET_AS_OF) == members


def test_two_folders_each_with_their_own_schema(tmp_path: Path, db: Path) -> None:
    """Each folder is checked against the schema.yml found from it: v2 raises the 'adult'
    trait to 41, so the same text 'where adult' loses customers 1 (30), 2 (40), 6 (25) and
    9 (35) and keeps 5 (65). Both used v1's schema before, and the diff said 'unchanged'."""
    schema = (EXAMPLES / "schema.yml").read_text(encoding="utf-8")
    assert "  adult: age >= 18\n" in schema
    for name, bound in (("v1", 18), ("v2", 41)):
        (tmp_path / name).mkdir()
        _write(tmp_path / name, "schema.yml", schema.replace("  adult: age >= 18\n", f"  adult: age >= {bound}\n"))
        _write(tmp_path / name, "ad.seg", "segment ad where adult\n")
    result = segdsl("diff", "v1", "v2", "--db", str(db), "--as-of", AS_OF, "--format", "json", "--sample", "10",
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [seg] = json.loads(result.stdout)["segments"]
    assert seg["status"] == "changed"
    members = seg["members"]
    assert members["enter"] == 0 and {1, 2, 6, 9} <= set(members["sample"]["leave"])
    assert 5 in members["sample"]["stay"] and 2 not in members["sample"]["stay"]
    backwards = json.loads(segdsl("diff", "v2", "v1", "--db", str(db), "--as-of", AS_OF, "--format", "json",
                                  cwd=tmp_path).stdout)["segments"][0]["members"]
    assert (backwards["enter"], backwards["leave"]) == (members["leave"], 0)
