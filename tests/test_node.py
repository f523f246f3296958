"""segdsl.node: the frozen records the AST, IR, schema and diagnostics are made of."""

from __future__ import annotations

import gc
import pickle

import pytest

import segdsl
from segdsl.checker import _TRAIT_CACHE, Checker
from segdsl.gcpause import gc_paused, without_gc
from segdsl.node import Node, fields, replace


class Point(Node):
    x: int
    y: int
    label: str = "p"


class Other(Node):
    x: int
    y: int
    label: str = "p"


@pytest.mark.parametrize("builds", [1, 40])  # before and after the class compiles its __init__
def test_construction(builds: int) -> None:
    for _ in range(builds):
        assert Point(1, 2) == Point(x=1, y=2) == Point(1, y=2, label="p")
        assert Point(1, 2, "q").label == "q"
        with pytest.raises(TypeError):
            Point(1)  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            Point(1, 2, "q", 4)  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            Point(1, 2, colour="red")  # type: ignore[call-arg]


def test_records_are_immutable() -> None:
    point = Point(1, 2)
    with pytest.raises(AttributeError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.x  # type: ignore[misc]
    with pytest.raises(AttributeError):
        point.z = 3  # type: ignore[attr-defined]  # slots: no new attributes either


def test_equality_and_hash_by_value_within_one_class() -> None:
    assert Point(1, 2) == Point(1, 2) and hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(2, 1)
    assert Point(1, 2) != Other(1, 2)  # same fields, different kind of node
    assert len({Point(1, 2), Point(1, 2), Other(1, 2)}) == 2
    point = Point(1, 2)
    assert hash(point) == hash(point)  # cached after the first call, still the same


def test_repr_fields_replace_pickle() -> None:
    point = Point(1, 2)
    assert repr(point) == "Point(x=1, y=2, label='p')"
    assert fields(point) == ("x", "y", "label")
    moved = replace(point, y=5)
    assert moved == Point(1, 5) and point == Point(1, 2)
    copied = pickle.loads(pickle.dumps(point))
    assert copied == point and hash(copied) == hash(point)


def test_gc_is_paused_only_while_compiling(example_schema) -> None:
    assert gc.isenabled()
    seen = []

    @without_gc
    def probe() -> None:
        seen.append(gc.isenabled())
        raise ValueError("boom")

    with pytest.raises(ValueError):
        probe()
    assert seen == [False] and gc.isenabled()
    with gc_paused():
        segdsl.compile("age > 3", example_schema)
        assert not gc.isenabled()
    assert gc.isenabled()


def test_traits_checked_once_per_schema_give_the_same_result() -> None:
    schema = segdsl.load_schema({
        "table": "t", "key": "id", "fields": {"age": "int"},
        "traits": {"adult": "age >= 18", "broken": "age > 'x'"},
    })
    first, second = Checker(schema), Checker(schema)
    first.check_traits()
    assert (id(schema), None) in _TRAIT_CACHE
    second.check_traits()  # from the cache
    assert second.diagnostics == first.diagnostics and [d.code for d in first.diagnostics] == ["SEG111"]
    assert second.trait("adult") == first.trait("adult")
    second.diagnostics.clear()  # a checker's own lists are copies: the next one is not affected
    third = Checker(schema)
    third.check_traits()
    assert third.diagnostics == first.diagnostics
    # a schema with other tables (as segment tests make) is a different schema
    other = replace(schema, table="elsewhere")
    assert Checker(other).trait("adult") == first.trait("adult")
    assert (id(other), None) in _TRAIT_CACHE
