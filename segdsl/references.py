"""Who uses whom: segment and trait references, an order that resolves them, and loops.

The checker resolves segments and traits in this order, dependencies first, so resolving
one never recurses into another (a chain of 500 segments is 500 steps, not 500 stack
levels), and it reports every loop found here with the place of each reference in it.
Walks use explicit stacks; no recursion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from segdsl import syntax as s
from segdsl.limits import children

# (name used, where it is used)
Reference = tuple[str, s.Span]
# each step of a loop: (name, where it uses the next name of the loop)
Loop = list[tuple[str, s.Span]]


def _top_conditions(expr: s.Expr) -> Iterator[s.Expr]:
    """Every condition outside has/aggregate filters (filters see a relation's fields only)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (s.And, s.Or, s.Not)):
            stack.extend(reversed(children(node)))


def segment_references(expr: s.Expr) -> list[Reference]:
    """``in segment NAME`` conditions, in reading order."""
    return [(node.name.text, node.span) for node in _top_conditions(expr)
            if isinstance(node, s.InSegment)]


def field_references(expr: s.Expr) -> list[Reference]:
    """Entity-level names used as operands (fields or traits), in reading order."""
    found = []
    for node in _top_conditions(expr):
        operand = getattr(node, "operand", None)
        if isinstance(operand, s.FieldRef):
            found.append((operand.name.text, operand.name.span))
    return found


def dependency_order(names: list[str],
                     uses: Callable[[str], list[Reference]]) -> tuple[list[str], list[Loop]]:
    """``names`` with every name after the names it uses, and the loops among them.

    ``uses(name)`` lists the references of one name (to names in ``names`` only). A loop
    is reported once, from where the depth-first walk first closes it.
    """
    order: list[str] = []
    loops: list[Loop] = []
    done: set[str] = set()
    for root in names:
        if root in done:
            continue
        path: Loop = []  # the names being visited, each with the reference taken out of it
        on_path: dict[str, int] = {}
        stack: list[tuple[str, Iterator[Reference]]] = [(root, iter(uses(root)))]
        on_path[root] = 0
        path.append((root, s.Span.point()))
        while stack:
            name, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                path.pop()
                del on_path[name]
                done.add(name)
                order.append(name)
                continue
            target, span = step
            path[-1] = (name, span)
            if target in on_path:
                loops.append(list(path[on_path[target]:]))
            elif target not in done:
                on_path[target] = len(path)
                path.append((target, s.Span.point()))
                stack.append((target, iter(uses(target))))
    return order, loops
