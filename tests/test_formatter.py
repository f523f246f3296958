"""segdsl fmt: one canonical layout, comments kept, idempotent, same meaning (same IR)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from segdsl import ir
from segdsl.formatter import comment_texts, format_text, shape
from segdsl.parser import parse_file
from segdsl.project import build_program
from segdsl.schema import Schema
from tests.conftest import EXAMPLES, ROOT


def fmt(text: str, path: str = "x.seg") -> str:
    result, problems = format_text(text, path)
    assert problems == [], problems
    assert result is not None
    return result


def meaning(text: str, schema: Schema, path: str = "x.seg") -> dict[str, tuple[str | None, ir.Pred]]:
    program = build_program([(path, text)], schema)
    assert program.errors == [], program.errors
    return {name: (seg.description, seg.pred) for name, seg in program.segments.items()}


def cli(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=120)


# ---- layout -----------------------------------------------------------------------------


def test_canonical_layout() -> None:
    text = ("segment  uk_adults\n"
        "  description 'Adults in the UK'   where region=='UK' and age>=18 and (city = \"London\" or "
        "age <> 30)\nsegment b where age between 1 and 5")
    assert fmt(text) == (
        "segment uk_adults\n"
        '  description "Adults in the UK"\n'
        "  where region = 'UK'\n"
        "    and age >= 18\n"
        "    and (city = 'London' or age != 30)\n"
        "\n"
        "segment b\n"
        "  where age 1..5\n")


def test_or_chain_and_precedence() -> None:
    text = "segment a where (age > 1 and age < 5) or region = 'UK' or not (age > 3 and age < 4)"
    assert fmt(text) == (
        "segment a\n"
        "  where (age > 1 and age < 5)\n"
        "    or region = 'UK'\n"
        "    or not (age > 3 and age < 4)\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("(age > 1 and age < 5) or (region = 'UK' and city = 'x')",
     "  where (age > 1 and age < 5)\n    or (region = 'UK' and city = 'x')\n"),
    ("age > 1 and age < 5 or region = 'UK' and city = 'x'",  # added: and binds tighter, shown
     "  where (age > 1 and age < 5)\n    or (region = 'UK' and city = 'x')\n"),
    ("age > 1 and (region = 'UK' or age < 5 and city = 'x')",
     "  where age > 1\n    and (region = 'UK' or (age < 5 and city = 'x'))\n"),
    ("count(orders where status = 'paid' and amount > 1 or amount > 100) > 2",
     "  where count(orders where (status = 'paid' and amount > 1) or amount > 100) > 2\n"),
])
def test_and_inside_or_keeps_or_gets_parentheses(text: str, expected: str) -> None:
    assert fmt(f"segment a where {text}") == "segment a\n" + expected
    assert shape(parse_file(fmt(f"segment a where {text}"), "x.seg")[0]) == shape(
        parse_file(f"segment a where {text}", "x.seg")[0])


def test_written_grouping_is_kept_because_the_ir_keeps_it() -> None:
    # (a and b) and c is And(And(a, b), c) in the IR, so the parentheses stay.
    assert fmt("segment a where (age > 1 and age < 5) and region = 'UK'") == (
        "segment a\n  where (age > 1 and age < 5)\n    and region = 'UK'\n")


def test_quotes_units_names_and_windows() -> None:
    text = ('segment `count` where `count` >= 1 and full_name = "O\'Brien" and city = \'say "hi"\' '
            "and city = 'both '' and \"' and last_seen_at in last 1 days and signup_date before 2 month ago "
            "and count(orders between 2024-01-01 and 2024-03-31 where status = \"paid\") > 0 "
            "and count distinct ( orders . category ) >= 2 and lifetime_value in top 2.5 % "
            "and has events in last 7 days where (name = 'purchase' or name = 'checkout') "
            "and interests has all ('a', 'b',) and phone is not null and email matches '^a\\d'")
    assert fmt(text) == (
        "segment `count`\n"
        "  where `count` >= 1\n"
        "    and full_name = \"O'Brien\"\n"
        "    and city = 'say \"hi\"'\n"
        "    and city = 'both '' and \"'\n"
        "    and last_seen_at in last 1 day\n"
        "    and signup_date before 2 months ago\n"
        "    and count(orders between 2024-01-01 and 2024-03-31 where status = 'paid') > 0\n"
        "    and count distinct(orders.category) >= 2\n"
        "    and lifetime_value in top 2.5%\n"
        "    and has events in last 7 days where (name = 'purchase' or name = 'checkout')\n"
        "    and interests has all ('a', 'b')\n"
        "    and phone is not null\n"
        "    and email matches '^a\\d'\n")


def test_bare_expression_file_stays_bare() -> None:
    assert fmt("age >= 18 and region = 'UK'", "adults.seg") == "age >= 18\n  and region = 'UK'\n"


def test_long_group_is_broken_one_condition_per_line() -> None:
    items = " or ".join(f"city = 'a city with a rather long name {i}'" for i in range(3))
    assert fmt(f"segment a where age > 1 and ({items})") == (
        "segment a\n"
        "  where age > 1\n"
        "    and (\n"
        "      city = 'a city with a rather long name 0'\n"
        "      or city = 'a city with a rather long name 1'\n"
        "      or city = 'a city with a rather long name 2'\n"
        "    )\n")


# ---- comments -----------------------------------------------------------------------------


COMMENTED = """\
# Churn segments.

# owned by the CRM team
segment  churn   # the main one
  description "Valuable, gone quiet"
  # recency first
  where last_order_at before 180 days ago   # about six months
    and lifetime_value >= 200 and (region = 'UK' # home
      or region = 'IE') # neighbours
    and count(orders where amount > 1 # inner, moved to the end
       and status = 'paid') > 2

segment other where age > 3  # '#' inside a comment, and "quotes"
# a footer
"""


def test_comments_are_kept_in_place() -> None:
    assert fmt(COMMENTED) == """\
# Churn segments.

# owned by the CRM team
segment churn  # the main one
  description "Valuable, gone quiet"
  # recency first
  where last_order_at before 180 days ago  # about six months
    and lifetime_value >= 200
    and (
      region = 'UK'  # home
      or region = 'IE'
    )  # neighbours
    and count(
      orders
      where amount > 1  # inner, moved to the end
        and status = 'paid'
    ) > 2

segment other
  where age > 3  # '#' inside a comment, and "quotes"
# a footer
"""


def test_hash_inside_strings_is_not_a_comment() -> None:
    text = "segment a where city = '#1 # not a comment' and email = \"#\"  # real \t \n"
    assert fmt(text) == "segment a\n  where city = '#1 # not a comment'\n    and email = '#'  # real\n"
    assert comment_texts(text) == Counter({"# real": 1})


def test_two_trailing_comments_on_one_output_line() -> None:
    text = "segment a where age > 1  # one\n and age < 3 and (age > 2 # two\n or age = 0)  # three\n"
    assert fmt(text) == ("segment a\n  where age > 1  # one\n    and age < 3\n"
                         "    and (\n      age > 2  # two\n      or age = 0\n    )  # three\n")
    text = "segment a where age > 1 and count(orders # two\n) > 1 # three\n"
    assert fmt(text) == ("segment a\n  where age > 1\n    and count(\n      orders  # two\n"
                         "    ) > 1  # three\n")


def test_a_comment_before_a_groups_closing_paren_stays_inside_it() -> None:
    """A group's span ends before its ')': a comment written just before that ')' belongs to
    the group's last condition, not to the line of an enclosing group's ')' (where the next
    run found it outside the group and put the group back on one line)."""
    text = "segment c where age = 0 or city starts with 'x' and ( has orders and ( is_subscribed ) # note\n  )"
    once = fmt(text)
    assert once == ("segment c\n  where age = 0\n    or (\n      city starts with 'x'\n      and (\n"
                    "        has orders\n        and is_subscribed  # note\n      )\n    )\n")
    assert fmt(once) == once


def test_a_comment_in_a_value_list_stays_after_its_value() -> None:
    """A list that holds a comment gets one value per line (before, the comments moved to
    the condition's line and above it)."""
    text = "segment a where age > 1  # one\n and region in ('UK', # two\n 'IE', # three\n 'US')  # four\n"
    assert fmt(text) == ("segment a\n  where age > 1  # one\n"
                         "    and region in (\n      'UK',  # two\n      'IE',  # three\n      'US'\n"
                         "    )  # four\n")
    text = "segment a where region in ( # the list\n 'UK'\n  # before IE\n , 'IE' ) and age > 2\n"
    assert fmt(text) == ("segment a\n  where region in (  # the list\n    'UK',\n    # before IE\n"
                         "    'IE'\n  )\n    and age > 2\n")
    text = ("segment a where count(orders where category not in ('x', # cx\n 'y')) > 1 "
            "and interests has any ('a', # aa\n 'b')\n")
    assert fmt(text) == ("segment a\n  where count(\n    orders\n    where category not in (\n"
                         "      'x',  # cx\n      'y'\n    )\n  ) > 1\n"
                         "    and interests has any (\n      'a',  # aa\n      'b'\n    )\n")
    assert fmt("segment a where region in ('UK', 'IE')  # after\n") == (
        "segment a\n  where region in ('UK', 'IE')  # after\n")  # no comment inside: one line


def test_comment_inside_an_aggregate_stays_inside_its_condition() -> None:
    text = "segment a where count(orders # recent\n  in last 90 days) > 2 and age > 3\n"
    assert fmt(text) == ("segment a\n"
                         "  where count(\n"
                         "    orders in last 90 days  # recent\n"
                         "  ) > 2\n"
                         "    and age > 3\n")
    text = ("segment a where age > 3 and sum(orders.amount # paid only\n where status = 'paid'\n"
            "  # and big\n  and amount > 10) >= 100 # at least\n")
    assert fmt(text) == ("segment a\n"
                         "  where age > 3\n"
                         "    and sum(\n"
                         "      orders.amount  # paid only\n"
                         "      where status = 'paid'\n"
                         "        # and big\n"
                         "        and amount > 10\n"
                         "    ) >= 100  # at least\n")


_AGGREGATE_CONDITION = "count(orders in last 90 days where status = 'paid' and amount > 10) >= 2"


@pytest.mark.parametrize("gap", range(len(_AGGREGATE_CONDITION.replace("(", " ( ").replace(")", " ) ").split())))
def test_a_comment_after_any_token_of_an_aggregate_stays_in_its_condition(gap: int) -> None:
    """A comment after each token in turn: kept, inside the condition, on the line of that token."""
    tokens = _AGGREGATE_CONDITION.replace("(", " ( ").replace(")", " ) ").split()
    text = "segment a where age > 1 and " + " ".join(tokens[:gap + 1]) + " # here\n " + " ".join(
        tokens[gap + 1:]) + " and region = 'UK'\n"
    once = fmt(text)
    assert fmt(once) == once
    assert shape(parse_file(once, "x.seg")[0]) == shape(parse_file(text, "x.seg")[0])
    lines = once.splitlines()
    commented = next(i for i, line in enumerate(lines) if "# here" in line)
    first = next(i for i, line in enumerate(lines) if "count(" in line)
    last = next(i for i, line in enumerate(lines) if ">= 2" in line)
    assert first <= commented <= last, once
    word = tokens[gap]
    if word not in ("(", ")", "and", "where") and lines[commented].strip() != "# here":
        assert word in lines[commented].split("#")[0].replace("(", " ( ").replace(")", " ) ").split(), once


def test_long_lines_are_wrapped_at_and_or() -> None:
    statuses = " or ".join(f"status = 'status number {i}'" for i in range(4))
    text = (f"segment a where count(orders in last 90 days where ({statuses}) and amount > 10) > 2 "
            f"and age > 3")
    assert fmt(text) == (
        "segment a\n"
        "  where count(\n"
        "    orders in last 90 days\n"
        "    where (\n"
        "      status = 'status number 0'\n"
        "      or status = 'status number 1'\n"
        "      or status = 'status number 2'\n"
        "      or status = 'status number 3'\n"
        "    )\n"
        "      and amount > 10\n"
        "  ) > 2\n"
        "    and age > 3\n")
    nested = " or ".join(f"(city = 'a rather long city name {i}' and age > {i})" for i in range(3))
    assert fmt(f"segment b where region = 'UK' and not ({nested})") == (
        "segment b\n"
        "  where region = 'UK'\n"
        "    and not (\n"
        "      (city = 'a rather long city name 0' and age > 0)\n"
        "      or (city = 'a rather long city name 1' and age > 1)\n"
        "      or (city = 'a rather long city name 2' and age > 2)\n"
        "    )\n")


# ---- safety -------------------------------------------------------------------------------


def test_syntax_errors_are_reported_not_formatted() -> None:
    result, problems = format_text("segment a where age >", "bad.seg")
    assert result is None
    assert [p.code for p in problems] == ["SEG001"]


@pytest.mark.parametrize("path", sorted((EXAMPLES / "segments").glob("*.seg")), ids=lambda p: p.name)
def test_examples_keep_their_meaning(path: Path, example_schema: Schema) -> None:
    text = path.read_text(encoding="utf-8")
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in (EXAMPLES / "segments").glob("*.seg")]
    before = build_program(sources, example_schema)
    formatted = fmt(text, str(path))
    after = build_program([(p, formatted if p == str(path) else t) for p, t in sources], example_schema)
    assert after.errors == []
    assert {n: s.pred for n, s in before.segments.items()} == {n: s.pred for n, s in after.segments.items()}
    assert fmt(formatted, str(path)) == formatted


def test_language_doc_examples_keep_their_meaning(example_schema: Schema) -> None:
    import re

    page = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    for block in re.findall(r"```seg\n(.*?)```", page, re.S):
        units = [block] if re.search(r"^\s*segment\s", block, re.M) else [
            line for line in block.splitlines() if line.split("#")[0].strip()]
        for unit in units:
            formatted = fmt(unit)
            assert meaning(formatted, example_schema) == meaning(unit, example_schema), unit
            assert fmt(formatted) == formatted
            assert comment_texts(formatted) == comment_texts(unit)


# ---- property: random well-formed segments ------------------------------------------------------

_INT = ["age", "company_size", "orders_90d"]
_DECIMAL = ["income", "lifetime_value"]
_ENUM = {"region": ["UK", "IE", "US", "DE"], "gender": ["female", "male"],
         "life_stage": ["student", "family", "retired"]}
_TEXT = ["city", "email", "full_name"]
_TIME = ["signup_date", "last_seen_at", "last_order_at"]
_ORDER_CONDITIONS = [["amount", ">", "20"], ["status", "=", "'paid'"], ["category", "!=", "'shoes'"],
                     ["amount", "5", "..", "50.5"], ["status", "in", "(", "'paid'", ",", "'refunded'", ")"]]


def _string(draw: st.DrawFn, words: list[str] | None = None) -> str:
    text = draw(st.sampled_from(words)) if words else draw(
        st.text(alphabet="ab #'\"%_\\", min_size=0, max_size=6))
    quote = draw(st.sampled_from(["'", '"']))
    return quote + text.replace(quote, quote * 2) + quote


def _number(draw: st.DrawFn, decimal: bool) -> str:
    whole = draw(st.integers(min_value=-5, max_value=400))
    return f"{whole}.{draw(st.integers(0, 99))}" if decimal and draw(st.booleans()) else str(whole)


def _unit(draw: st.DrawFn, amount: int) -> str:
    unit = draw(st.sampled_from(["day", "week", "month", "year"]))
    return unit + ("s" if amount != 1 or draw(st.booleans()) else "")


def _window(draw: st.DrawFn) -> list[str]:
    amount = draw(st.integers(1, 400))
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return ["in", "last", str(amount), _unit(draw, amount)]
    if choice == 1:
        return ["before", str(amount), _unit(draw, amount), "ago"]
    if choice == 2:
        return ["after", draw(st.sampled_from(["2024-01-01", "2024-02-29T10:30:00", "today"]))]
    return ["between", "2024-01-01", "and", "2024-03-31"]


def _aggregate(draw: st.DrawFn) -> list[str]:
    func = draw(st.sampled_from(["count", "count distinct", "sum", "avg", "min", "max"]))
    column = {"count": None, "count distinct": "category", "min": "created_at", "max": "amount"}.get(
        func, "amount")
    inner = ["orders"] + ([".", column] if column else [])
    if draw(st.booleans()):
        inner += _window(draw)
    if draw(st.booleans()):
        filters = draw(st.lists(st.sampled_from(_ORDER_CONDITIONS), min_size=1, max_size=3))
        inner += ["where"] + [tok for i, f in enumerate(filters) for tok in ([] if i == 0 else [
            draw(st.sampled_from(["and", "or"]))]) + f]
    head = [*func.split(), "(", *inner, ")"]
    if func == "min":
        return [*head, "in", "last", "30", "days"]
    return [*head, draw(st.sampled_from([">", ">=", "=", "==", "<"])), _number(draw, func in ("sum", "avg", "max"))]


@st.composite
def conditions(draw: st.DrawFn) -> list[str]:
    kind = draw(st.integers(0, 13))
    if kind == 0:
        field = draw(st.sampled_from(_INT + _DECIMAL))
        op = draw(st.sampled_from(["=", "==", "!=", "<>", "<", "<=", ">", ">="]))
        return [field, op, _number(draw, field in _DECIMAL)]
    if kind == 1:
        low, high = sorted([draw(st.integers(0, 99)), draw(st.integers(0, 99))])
        field = draw(st.sampled_from(_INT))
        return [field, str(low), "..", str(high)] if draw(st.booleans()) else [
            field, "between", str(low), "and", str(high)]
    if kind == 2:
        field = draw(st.sampled_from(sorted(_ENUM)))
        values = draw(st.lists(st.sampled_from(_ENUM[field]), min_size=1, max_size=3))
        listed = [tok for i, v in enumerate(values) for tok in ([","] if i else []) + [_string(draw, [v])]]
        return [field, *draw(st.sampled_from([["in"], ["not", "in"]])), "(", *listed, ")"]
    if kind == 3:
        field = draw(st.sampled_from(sorted(_ENUM)))
        return [field, draw(st.sampled_from(["=", "!="])), _string(draw, _ENUM[field])]
    if kind == 4:
        return [draw(st.sampled_from(_TEXT)), *draw(st.sampled_from(
            [["starts", "with"], ["ends", "with"], ["contains"], ["="]])), _string(draw)]
    if kind == 5:
        return [draw(st.sampled_from([*_TEXT, "phone"])), "is", *draw(st.sampled_from([["null"], ["not", "null"]]))]
    if kind == 6:
        return draw(st.sampled_from([["is_subscribed"], ["is_subscribed", "=", "false"], ["adult"],
                                     ["adult", "=", "true"]]))
    if kind == 7:
        return [draw(st.sampled_from(_TIME)), *_window(draw)]
    if kind == 8:
        return ["signup_date", draw(st.sampled_from([">=", "<", "="])), "2024-01-01"]
    if kind == 9:
        return ["interests", *draw(st.sampled_from([["has", "any"], ["has", "all"]])), "(", _string(draw),
                ",", _string(draw), ")"]
    if kind == 10:
        return [draw(st.sampled_from(["lifetime_value", "age"])), "in",
                draw(st.sampled_from(["top", "bottom"])), draw(st.sampled_from(["10", "2.5"])), "%"]
    if kind == 11:
        head = [draw(st.sampled_from(["has", "no"])), draw(st.sampled_from(["orders", "events"]))]
        if draw(st.booleans()):
            head += _window(draw)
        if head[1] == "orders" and draw(st.booleans()):
            first, second = draw(st.sampled_from(_ORDER_CONDITIONS)), draw(st.sampled_from(_ORDER_CONDITIONS))
            head += ["where"] + (first if draw(st.booleans()) else ["(", *first, "or", *second, ")"])
        return head
    if kind == 12:
        return ["email", "matches", _string(draw, ["^a", "x|y", "[0-9]+"])]
    return _aggregate(draw)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 2) -> list[str]:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        tokens = draw(conditions())
    else:
        kind = draw(st.sampled_from(["and", "or", "not"]))
        if kind == "not":
            tokens = ["not", *draw(expressions(depth=depth - 1))]
            if len(tokens) > 2 and tokens[1] != "(":
                tokens = ["not", "(", *tokens[1:], ")"]
        else:
            parts = draw(st.lists(expressions(depth=depth - 1), min_size=2, max_size=4))
            tokens = [tok for i, part in enumerate(parts) for tok in ([kind] if i else []) + part]
    return ["(", *tokens, ")"] if draw(st.integers(0, 3)) == 0 else tokens


_SEPARATORS = [" ", " ", " ", "  ", "\n", "\n    ", "\t", " # note {n}\n  ", "\n  # own line {n}\n  ",
               " # it's \"quoted\" # and hashed {n}\n", "\n\n# spaced {n}\n\n  "]


def _join(draw: st.DrawFn, tokens: list[str], counter: list[int]) -> str:
    out = [tokens[0]]
    for token in tokens[1:]:
        separator = draw(st.sampled_from(_SEPARATORS))
        counter[0] += 1
        out.append(separator.format(n=counter[0]))
        out.append(token)
    return "".join(out)


@st.composite
def segment_files(draw: st.DrawFn) -> str:
    counter = [0]
    if draw(st.integers(0, 4)) == 0:
        return _join(draw, draw(expressions()), counter) + draw(st.sampled_from(["", "\n", "  # end\n"]))
    names = draw(st.lists(st.sampled_from(["a", "b_2", "`count`", "`odd name`", "Uk"]), min_size=1,
                          max_size=3, unique=True))
    chunks = []
    for index, name in enumerate(names):
        head = draw(st.sampled_from(["", "# about {n}\n", "\n\n# about {n}\n\n"])).format(n=index)
        description = draw(st.sampled_from(["", " description 'plain'", " description \"it's\"",
                                            "\n  description 'say \"hi\"' # why\n "]))
        tokens = draw(expressions())
        if index and draw(st.booleans()):
            tokens = ["in", "segment", names[draw(st.integers(0, index - 1))], "and", *tokens]
        chunks.append(f"{head}segment {name}{description} where " + _join(draw, tokens, counter))
    return "\n".join(chunks) + draw(st.sampled_from(["", "\n", "\n# trailing comment\n"]))


@settings(max_examples=int(os.environ.get("SEGDSL_FMT_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(segment_files())
def test_property_idempotent_same_ir_same_comments(example_schema: Schema, text: str) -> None:
    parsed, problems = parse_file(text, "prop.seg")
    assume(not problems)
    program = build_program([("prop.seg", text)], example_schema)
    assume(program.errors == [])  # a few generated names are not in the schema (`count`)
    once = fmt(text, "prop.seg")
    again, problems_again = parse_file(once, "prop.seg")
    assert problems_again == []
    assert shape(again) == shape(parsed)
    assert fmt(once, "prop.seg") == once
    assert comment_texts(once) == comment_texts(text)
    assert meaning(once, example_schema, "prop.seg") == meaning(text, example_schema, "prop.seg")
    assert once.endswith("\n") and not once.endswith("\n\n")
    assert all(line == line.rstrip() for line in once.splitlines())


@settings(max_examples=int(os.environ.get("SEGDSL_FMT_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(segment_files())
def test_property_syntax_only(text: str) -> None:
    """Every file that parses formats, even if it does not check (e.g. unknown names)."""
    parsed, problems = parse_file(text, "prop.seg")
    assume(not problems)
    once = fmt(text, "prop.seg")
    assert shape(parse_file(once, "prop.seg")[0]) == shape(parsed)
    assert fmt(once, "prop.seg") == once
    assert comment_texts(once) == comment_texts(text)


@settings(max_examples=int(os.environ.get("SEGDSL_FMT_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(segment_files(), st.sampled_from([24, 40, 60]), st.booleans())
def test_property_narrow_width_breaks_everything_it_can(text: str, width: int, crlf: bool) -> None:
    """With a narrow width most groups and aggregates are broken: the broken layouts are
    idempotent, keep the meaning and every comment, and a line wider than the width holds one
    condition that cannot be broken (no 'and'/'or' outside its strings)."""
    from segdsl import formatter

    parsed, problems = parse_file(text, "prop.seg")
    assume(not problems)
    crlf = crlf and "\n" in text  # a one-line file has no line ending to keep
    if crlf:
        text = text.replace("\n", "\r\n")
    with patch.object(formatter, "MAX_WIDTH", width):
        once = fmt(text, "prop.seg")
        assert fmt(once, "prop.seg") == once
    assert shape(parse_file(once, "prop.seg")[0]) == shape(parsed)
    assert comment_texts(once) == comment_texts(text)
    assert ("\r\n" in once) == crlf and "\r\r" not in once
    for line in once.replace("\r\n", "\n").splitlines():
        found = list(_WORDS.finditer(line))
        code = line[:next((m.start() for m in found if m.group().startswith("#")), len(line))].rstrip()
        tokens = [m.group() for m in found if not m.group().startswith(("#", "'", '"', "`"))]
        if len(code) > width and tokens and tokens[0] not in ("segment", "description"):  # not a lone value
            assert ("and" not in tokens[1:] and "or" not in tokens[1:]) or "between" in tokens, line


_WORDS = re.compile(r"""'(?:[^'\n]|'')*'|"(?:[^"\n]|"")*"|`[^`\n]*`|#[^\n]*|[()]|[^\s'"`#()]+""")


# ---- command line --------------------------------------------------------------------------------


def test_cli_check_diff_write(tmp_path: Path) -> None:
    (tmp_path / "schema.yml").write_text((EXAMPLES / "schema.yml").read_text(encoding="utf-8"), encoding="utf-8")
    folder = tmp_path / "segments"
    (folder / "nested").mkdir(parents=True)
    messy = folder / "nested" / "messy.seg"
    messy.write_text("segment a where age>=18 and region=='UK'  # home\n", encoding="utf-8")
    tidy = folder / "tidy.seg"
    tidy.write_text("segment b\n  where age > 3\n", encoding="utf-8")
    os.chmod(messy, 0o640)

    checked = cli("fmt", "--check", str(folder))
    assert checked.returncode == 1
    assert checked.stdout == f"would reformat {messy}\n"
    assert "1 file would be reformatted, 1 file already formatted" in checked.stderr
    assert messy.read_text(encoding="utf-8").startswith("segment a where")

    diffed = cli("fmt", "--diff", str(messy))
    assert diffed.returncode == 0
    assert "-segment a where age>=18 and region=='UK'  # home" in diffed.stdout
    assert "+    and region = 'UK'  # home" in diffed.stdout
    assert messy.read_text(encoding="utf-8").startswith("segment a where")

    written = cli("fmt", str(folder))
    assert written.returncode == 0, written.stderr
    assert messy.read_text(encoding="utf-8") == "segment a\n  where age >= 18\n    and region = 'UK'  # home\n"
    assert oct(messy.stat().st_mode & 0o777) == oct(0o640)
    assert not [p for p in folder.rglob("*") if p.name.startswith(".segdsl-fmt-")]
    assert cli("fmt", "--check", str(folder)).returncode == 0
    assert cli("check", str(folder)).returncode == 0


def test_cli_syntax_error_leaves_file_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.seg"
    bad.write_text("segment a where age >=\n", encoding="utf-8")
    good = tmp_path / "good.seg"
    good.write_text("segment b where age>1\n", encoding="utf-8")
    result = cli("fmt", str(tmp_path))
    assert result.returncode == 1
    assert f"{bad}:1:" in result.stderr and "error[SEG001]" in result.stderr
    assert "Traceback" not in result.stderr
    assert bad.read_text(encoding="utf-8") == "segment a where age >=\n"
    assert good.read_text(encoding="utf-8") == "segment b\n  where age > 1\n"


def test_cli_errors_and_stdin(tmp_path: Path) -> None:
    assert cli("fmt").returncode == 2
    missing = cli("fmt", str(tmp_path / "nope.seg"))
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr
    piped = cli("fmt", "-", stdin="age>1 and region=='UK'")
    assert piped.returncode == 0 and piped.stdout == "age > 1\n  and region = 'UK'\n"
    assert cli("fmt", "--check", "-", stdin="age > 1\n").returncode == 0
    assert cli("fmt", "--check", "-", stdin="age>1").returncode == 1


def test_crlf_file_keeps_crlf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.seg"
    path.write_bytes(b"segment a\r\n  where age > 1  # c\r\n")
    assert cli("fmt", "--check", str(path)).returncode == 0  # already formatted
    path.write_bytes(b"segment a where age>1 and (region = 'UK' # c\r\n or city = 'x')\r\n")
    assert cli("fmt", "--check", str(path)).returncode == 1
    assert cli("fmt", str(path)).returncode == 0
    assert path.read_bytes() == (b"segment a\r\n  where age > 1\r\n    and (\r\n      region = 'UK'  # c\r\n"
                                 b"      or city = 'x'\r\n    )\r\n")
    assert cli("fmt", "--check", str(path)).returncode == 0
    piped = subprocess.run([sys.executable, "-m", "segdsl", "fmt", "-"], input=b"age>1\r\n", capture_output=True,
                           env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert piped.stdout == b"age > 1\r\n"
    mostly_lf = "segment a\n  where age > 1\r\n    and age < 3\n"
    assert fmt(mostly_lf) == "segment a\n  where age > 1\n    and age < 3\n"


def test_pre_commit_hooks_manifest() -> None:
    import re

    import yaml

    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"segdsl-check", "segdsl-fmt"}
    assert hooks["segdsl-check"]["entry"] == "segdsl check"
    assert hooks["segdsl-fmt"]["entry"] == "segdsl fmt"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert re.search(hook["files"], "segments/churn.seg") and not re.search(hook["files"], "churn.seg.bak")
    # check sees the whole folder, so references to unchanged files resolve
    assert hooks["segdsl-check"]["pass_filenames"] is False
