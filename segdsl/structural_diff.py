"""What an edit changed, condition by condition, compared on the IR rather than the text.

A segment's conditions are the conjuncts of its top-level ``and``. Reformatting, reordering
(conditions, the values of an ``in`` list, the parts of an ``or``), renaming a trait or
inlining it changes nothing here; an edited bound does. Conditions on the
same subject (the same field, or the same aggregate of the same relation) are paired as
*changed*; the rest are *added* or *removed*. No SQL here: the members come from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from segdsl import ir, node

ChangeKind = Literal["added", "removed", "changed"]
Status = Literal["added", "removed", "changed", "unchanged"]


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    old: ir.Pred | None
    new: ir.Pred | None


@dataclass(frozen=True, slots=True)
class SegmentDiff:
    """One segment in both versions (``old``/``new`` is None where it does not exist)."""

    name: str
    old: ir.Segment | None
    new: ir.Segment | None
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def status(self) -> Status:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        same = not self.changes and self.old.description == self.new.description
        return "unchanged" if same else "changed"


def conjuncts(pred: ir.Pred) -> tuple[ir.Pred, ...]:
    """The top-level conditions: the parts of an ``and`` (a range stays one condition)."""
    if isinstance(pred, ir.And) and not _is_range(pred):
        return tuple(part for item in pred.preds for part in conjuncts(item))
    return (pred,)


def subject(pred: ir.Pred) -> object | None:
    """What a condition constrains; two conditions on one subject are an edit of each other."""
    while isinstance(pred, ir.Not):
        pred = pred.pred
    if isinstance(pred, (ir.And, ir.Or)):
        subjects = {subject(part) for part in pred.preds}
        return subjects.pop() if len(subjects) == 1 else None
    value = getattr(pred, "value", None)
    if isinstance(value, ir.Aggregation):  # the same aggregate with another window or filter
        return (value.func, value.relation.name, value.arg)
    return value if isinstance(value, (ir.Column, ir.RowColumn)) else None


def canonical(pred: ir.Pred) -> ir.Pred:
    """The same meaning in one order: sets (``in`` lists, ``has any of``) sorted and deduplicated,
    the parts of ``and``/``or`` sorted, also inside aggregate filters. Only for comparing."""
    if isinstance(pred, (ir.And, ir.Or)):
        return type(pred)(tuple(sorted((canonical(p) for p in pred.preds), key=repr)))
    if isinstance(pred, ir.Not):
        return ir.Not(canonical(pred.pred))
    if isinstance(pred, ir.Const):
        return pred
    changes: dict[str, object] = {"value": _canonical_value(pred.value)}
    if isinstance(pred, (ir.InSet, ir.ListHas)):
        changes["literals"] = tuple(sorted(set(pred.literals), key=repr))
    return node.replace(pred, **changes)


def _canonical_value(value: ir.Value) -> ir.Value:
    if not isinstance(value, ir.Aggregation):
        return value
    return node.replace(value, filter=canonical(value.filter) if value.filter is not None else None)


def diff_conditions(old: ir.Pred, new: ir.Pred) -> tuple[list[Change], int]:
    """Changed, added and removed conditions (in the new version's order), and how many stayed."""
    left = list(conjuncts(old))
    right = list(conjuncts(new))
    same = 0
    for item in list(right):
        match = next((o for o in left if canonical(o) == canonical(item)), None)
        if match is not None:
            left.remove(match)
            right.remove(item)
            same += 1
    changes: list[Change] = []
    for item in right:
        key = subject(item)
        partner = next((o for o in left if key is not None and subject(o) == key), None)
        if partner is not None:
            left.remove(partner)
            changes.append(Change("changed", partner, item))
        else:
            changes.append(Change("added", None, item))
    changes.extend(Change("removed", item, None) for item in left)
    return changes, same


def diff_segments(old: dict[str, ir.Segment], new: dict[str, ir.Segment],
                  only: str | None = None) -> list[SegmentDiff]:
    """Pair segments by name (one segment on each side pairs whatever the names)."""
    pairs: list[tuple[str, ir.Segment | None, ir.Segment | None]]
    if only is None and len(old) == 1 and len(new) == 1:
        pairs = [(next(iter(new)), next(iter(old.values())), next(iter(new.values())))]
    else:
        names = [only] if only is not None else list(dict.fromkeys([*new, *old]))
        pairs = [(name, old.get(name), new.get(name)) for name in names]
    result = []
    for name, before, after in pairs:
        if before is None or after is None:  # every condition of the one version is new or gone
            kind: ChangeKind = "added" if before is None else "removed"
            whole = after or before
            assert whole is not None
            parts = [Change(kind, None if before is None else p, p if before is None else None)
                     for p in conjuncts(whole.pred)]
            result.append(SegmentDiff(name, before, after, parts))
            continue
        changes, same = diff_conditions(before.pred, after.pred)
        result.append(SegmentDiff(name, before, after, changes, same))
    return result


def _is_range(pred: ir.And) -> bool:
    if len(pred.preds) != 2:
        return False
    one, two = pred.preds
    return (isinstance(one, ir.Compare) and isinstance(two, ir.Compare) and one.value == two.value
            and {one.op, two.op} == {">=", "<="})
