"""Warnings for segments that check but are probably wrong (``segdsl check``).

* SEG401 — an ``and`` that can never be true: ``age < 18 and age > 65``,
  ``region = 'UK' and region = 'IE'``, ``phone is null and phone = '1'``, ``x and not x``,
  ``age 30..40 and not age 20..50``, ``age > 5 and (age < 3 or age < 2)``,
  ``has orders in last 30 days and no orders in last 90 days``;
* SEG402 — a condition implied by another one of the same ``and``: ``age > 30 and age > 20``,
  ``has orders in last 30 days and has orders in last 90 days``;
* SEG403 — values in the data of an enum column that the schema does not declare (``--db``,
  in :mod:`segdsl.runners.enums`);
* SEG404 — a trait no checked segment uses.

How: the IR has no source positions, but the checker keeps the AST's ``and``/``or``/``not``
structure one to one (``a and b and c`` → ``ir.And`` of three), so the AST conjuncts, which
have spans, are walked side by side with their IR. Each conjunct's IR becomes, per field,
trait or aggregate, the values it accepts (:mod:`segdsl.lint_sets`): an ``or`` on one subject
is the union of its parts, a ``not`` the complement, and counts over nested windows or a
filter are related (``has orders in last 30 days`` means at least one order in the last
90). Everything is an over-approximation, so "empty" and "contained in" are never claimed
wrongly; what cannot be described is simply not analysed.

No sqlglot or duckdb here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from segdsl import ir
from segdsl import lint_sets as vs
from segdsl import syntax as s
from segdsl.diagnostics import Diagnostic, Source, make
from segdsl.gcpause import without_gc
from segdsl.project import Program


def _atoms(pred: ir.Pred) -> list[ir.Pred]:
    if isinstance(pred, ir.And):
        return [atom for p in pred.preds for atom in _atoms(p)]
    return [pred]


# ---- one 'and' chain ----------------------------------------------------------------------


class _Conjunct:
    """One part of an 'and' chain: its syntax, its IR, its atoms and what it implies per subject."""

    __slots__ = ("atoms", "described", "node", "pred", "sets")

    def __init__(self, node: s.Expr, pred: ir.Pred) -> None:
        self.node = node
        self.pred = pred
        self.atoms = _atoms(pred)
        self.described = [vs.describe(atom) for atom in self.atoms]
        self.sets: vs.Sets = vs.describe(pred)[0]


# A chain can hold ten thousand conditions (docs/language.md), so nothing below tries every
# pair of them: conjuncts are grouped by what they constrain; a group that can hold as a
# whole has no pair that cannot; pairs are tried within a budget, then found in a pass; and
# a condition is compared only with a bounded number of others, in runs whose summary (their
# sets met) must imply it first. The limits only affect which conditions a warning names, or
# drop a warning in a huge group; they never make one up.

_FAMILY_LIMIT = 32  # counts of one relation related to each other; beyond, each is checked alone
_PAIR_TRIES = 1000  # pairs of one group tried in order (all those of 45 conditions), before a linear search
_CLASHES = 8  # conditions that clash only with several others together, tried for a pair
_ENDS = 16  # conditions that may imply another: of a long list, the first 16 and the latest 17 to 32 are tried

_Group = tuple[set[ir.Value], list[int]]  # subjects that may restrict each other, and the conjuncts on them


def _groups(conjuncts: list[_Conjunct]) -> list[_Group]:
    """The groups of a chain, in order: a family of counts that
    :func:`segdsl.lint_sets.fewer` may relate, or one subject. Relating counts
    costs the square of their number, so a family of more than ``_FAMILY_LIMIT`` is split
    into its subjects: a clash between two windows of it is then missed, never made up."""
    families: dict[Any, dict[ir.Value, list[int]]] = {}
    for index, conjunct in enumerate(conjuncts):
        for subject in conjunct.sets:
            families.setdefault(vs.family(subject), {}).setdefault(subject, []).append(index)
    groups: list[_Group] = []
    for by_subject in families.values():
        if len(by_subject) > _FAMILY_LIMIT:
            groups.extend(({subject}, holders) for subject, holders in by_subject.items())
        else:
            groups.append((set(by_subject), sorted({i for holders in by_subject.values() for i in holders})))
    return groups


def _group_keys(groups: list[_Group]) -> dict[ir.Value, int]:
    """Each subject's group, by number."""
    return {subject: number for number, (subjects, _) in enumerate(groups) for subject in subjects}


# ---- never true ---------------------------------------------------------------------------------


def _contradiction(conjuncts: list[_Conjunct], groups: list[_Group]) -> tuple[list[int], bool] | None:
    """Indexes of conjuncts that cannot all hold, and whether that needed related counts
    (windows or filters inside others); None if none is found."""
    twin = _negated_twin(conjuncts)
    if twin is not None:
        return twin, False
    for subjects, holders in groups:
        found = _clash(conjuncts, holders, subjects)
        if found is not None:
            return found
    return None


def _negated_twin(conjuncts: list[_Conjunct]) -> list[int] | None:
    """``x and not x``: the first conjunct with an atom ``not p``, and the first other one
    that is or holds ``p`` (looked up, not searched for: chains can be long)."""
    holding: dict[ir.Pred, list[int]] = {}  # the first two conjuncts that are or hold each pred
    for index, conjunct in enumerate(conjuncts):
        for pred in (conjunct.pred, *conjunct.atoms):
            first = holding.setdefault(pred, [])
            if len(first) < 2 and index not in first:
                first.append(index)
    for j, later in enumerate(conjuncts):
        for atom in later.atoms:
            if isinstance(atom, ir.Not):
                other = next((i for i in holding.get(atom.pred, ()) if i != j), None)
                if other is not None:
                    return sorted({other, j})
    return None


def _clash(conjuncts: list[_Conjunct], holders: list[int], subjects: set[ir.Value]
           ) -> tuple[list[int], bool] | None:
    """Conjuncts of one group that cannot all hold: one alone; else a pair; else all of them."""
    for i in holders:
        found = _never(conjuncts, [i], subjects)
        if found is not None and not isinstance(conjuncts[i].node, s.InSegment):
            return [i], found
    if len(holders) < 2:
        return None
    whole = _never(conjuncts, holders, subjects)
    if whole is None:
        return None  # nor can any part of it: the sets only shrink as conjuncts are added
    pair = _first_pair(conjuncts, holders, subjects)
    if pair is None:
        pair = _pair_at_a_clash(conjuncts, holders, subjects)
    if pair is not None:
        return pair
    return (holders, whole) if len(holders) > 2 else None


def _first_pair(conjuncts: list[_Conjunct], holders: list[int], subjects: set[ir.Value]
                ) -> tuple[list[int], bool] | None:
    """The first pair in the text that cannot hold, if found in ``_PAIR_TRIES`` tries (every
    pair of a short group): past that, trying all pairs would be quadratic."""
    tries = 0
    for a, i in enumerate(holders):
        for j in holders[a + 1:]:
            tries += 1
            if tries > _PAIR_TRIES:
                return None
            if _related(conjuncts[i], conjuncts[j]):
                found = _never(conjuncts, [i, j], subjects)
                if found is not None:
                    return [i, j], found
    return None


def _pair_at_a_clash(conjuncts: list[_Conjunct], holders: list[int], subjects: set[ir.Value]
                     ) -> tuple[list[int], bool] | None:
    """A conjunct that cannot hold with those before it, and the first other one it cannot
    hold with; if it clashes only with several together, the next such conjunct (up to
    ``_CLASHES`` of them). A few passes over a group of any length."""
    for tried, last in enumerate(_clashes(conjuncts, holders, subjects)):
        if tried == _CLASHES:
            break
        for i in holders:
            if i != last and _related(conjuncts[i], conjuncts[last]):
                found = _never(conjuncts, [i, last], subjects)
                if found is not None:
                    return sorted([i, last]), found
    return None


def _clashes(conjuncts: list[_Conjunct], holders: list[int], subjects: set[ir.Value]) -> Iterator[int]:
    """In order, each of ``holders`` that cannot hold with those before it, less those already given."""
    merged: vs.Sets = {}
    for i in holders:
        touched = {subject: union for subject, union in conjuncts[i].sets.items() if subject in subjects}
        met = {subject: vs.meet(merged[subject], union) if subject in merged else union
               for subject, union in touched.items()}
        if _verdict({**merged, **met}, met) is None:
            merged.update(met)
        else:
            yield i


def _related(a: _Conjunct, b: _Conjunct) -> bool:
    """Whether either says anything of the other's subjects (else each holds alone, so both do)."""
    return any(vs.related(x, y) for x in a.sets for y in b.sets)


def _never(conjuncts: list[_Conjunct], indexes: list[int], subjects: set[ir.Value]) -> bool | None:
    """None if these conjuncts can hold together as far as ``subjects`` go; else whether
    seeing that needed related counts."""
    unions: dict[ir.Value, list[vs.Union]] = {}
    for i in indexes:
        for subject, union in conjuncts[i].sets.items():
            if subject in subjects:
                unions.setdefault(subject, []).append(union)
    return _verdict({subject: vs.meet_all(parts) for subject, parts in unions.items()})


def _verdict(merged: vs.Sets, changed: Iterable[ir.Value] | None = None) -> bool | None:
    """None if ``merged`` can hold; else whether seeing that needed related counts.
    ``changed``: the only subjects whose own sets changed since it last could hold."""
    if any(vs.is_empty(vs.view(merged, subject, related=False)) for subject in changed or merged):
        return False
    if len(merged) > 1 and any(vs.is_empty(vs.view(merged, subject)) for subject in merged):
        return True
    return None


# ---- implied ------------------------------------------------------------------------------------


def _implied_by(later: _Conjunct, earlier: _Conjunct) -> bool:
    if later.pred == earlier.pred:
        return True
    for atom, (sets, exact) in zip(later.atoms, later.described, strict=True):
        if atom in earlier.atoms:
            continue
        if not exact or not sets:
            return False
        for subject, values in sets.items():
            if not vs.knows(earlier.sets, subject) or not vs.within(vs.view(earlier.sets, subject), values):
                return False
    return True


class _Run:
    """A few standing conjuncts, with what they say together: their preds, their atoms and
    their sets met. If that does not imply a condition (as :func:`_implied_by` sees it),
    none of them does, since meeting only shrinks the sets: most pairs need no check."""

    def __init__(self) -> None:
        self.indexes: list[int] = []
        self.preds: set[ir.Pred] = set()
        self.atoms: set[ir.Pred] = set()
        self.sets: vs.Sets = {}
        self.lost = False  # a union grew too big to keep: the sets conclude nothing

    def add(self, index: int, conjunct: _Conjunct) -> None:
        self.indexes.append(index)
        self.preds.add(conjunct.pred)
        self.atoms.update(conjunct.atoms)
        for subject, union in conjunct.sets.items():
            if subject in self.sets:
                union = vs.meet(self.sets[subject], union)
                self.lost = self.lost or union is vs.TOP
            self.sets[subject] = union

    def may_imply(self, conjunct: _Conjunct) -> bool:
        if conjunct.pred in self.preds:
            return True
        for atom, (sets, exact) in zip(conjunct.atoms, conjunct.described, strict=True):
            if atom in self.atoms:
                continue
            if not exact or not sets:
                return False
            if not self.lost and not all(self.implies(subject, values) for subject, values in sets.items()):
                return False
        return True

    def implies(self, subject: ir.Value, values: vs.Union) -> bool:
        return vs.knows(self.sets, subject) and vs.within(vs.view(self.sets, subject), values)


class _Ends:
    """The standing conjuncts of one list that a condition is compared with: the first
    ``_ENDS``, and up to ``2 * _ENDS`` of the latest, in three runs. A bound on the work per
    condition however long the chain; a list of up to ``3 * _ENDS`` is kept whole."""

    def __init__(self) -> None:
        self.first, self.older, self.newer = _Run(), _Run(), _Run()

    def add(self, index: int, conjunct: _Conjunct) -> None:
        if len(self.first.indexes) < _ENDS:
            self.first.add(index, conjunct)
            return
        if len(self.newer.indexes) == _ENDS:
            self.older, self.newer = self.newer, _Run()
        self.newer.add(index, conjunct)

    def candidates(self, conjunct: _Conjunct) -> list[int]:
        """Those of the runs that may imply ``conjunct``, first in the text first."""
        runs = (self.first, self.older, self.newer)
        return sorted(i for run in runs if run.indexes and run.may_imply(conjunct) for i in run.indexes)


class _Standing:
    """Conjuncts that nothing met before them implies, listed under each group of subjects
    they constrain and each atom that no set describes: where a condition looks for one
    implying it. One that does holds its first atom, or constrains that atom's subject."""

    def __init__(self, keys: dict[ir.Value, int]) -> None:
        self.keys = keys
        self.by_group: dict[int, _Ends] = {}
        self.by_atom: dict[ir.Pred, _Ends] = {}

    def add(self, index: int, conjunct: _Conjunct) -> None:
        for key in {self.keys[subject] for subject in conjunct.sets}:
            self.by_group.setdefault(key, _Ends()).add(index, conjunct)
        undescribed = [atom for atom, (sets, exact) in zip(conjunct.atoms, conjunct.described, strict=True)
                       if not (exact and sets)]
        for atom in dict.fromkeys(undescribed):
            self.by_atom.setdefault(atom, _Ends()).add(index, conjunct)

    def candidates(self, conjunct: _Conjunct) -> list[int]:
        sets, exact = conjunct.described[0]
        subject = next(iter(sets), None)
        if exact and subject in self.keys:
            ends = self.by_group.get(self.keys[subject])
        else:
            ends = self.by_atom.get(conjunct.atoms[0])
        return ends.candidates(conjunct) if ends is not None else []


def _impliers(conjuncts: list[_Conjunct], order: Iterable[int], keys: dict[ir.Value, int],
              done: dict[int, int]) -> dict[int, int]:
    """Walking ``order``: each conjunct (not in ``done``) that one met before it implies, and
    the first of those in the text. Only conjuncts still standing are tried, which is enough:
    one implied by another is implied by whatever implies that one."""
    standing = _Standing(keys)
    found: dict[int, int] = {}
    for j in order:
        if j in done:
            continue
        later = conjuncts[j]
        by = next((i for i in standing.candidates(later) if _implied_by(later, conjuncts[i])), None)
        if by is None:
            standing.add(j, later)
        else:
            found[j] = by
    return found


def _redundant(conjuncts: list[_Conjunct], keys: dict[ir.Value, int]) -> list[tuple[int, int]]:
    """(redundant, implied by) pairs; of two equivalent conditions only the later one is named.

    A condition that earlier ones imply names the first of those; else the first later one
    that is not redundant itself.
    """
    earlier = _impliers(conjuncts, range(len(conjuncts)), keys, {})
    later = _impliers(conjuncts, reversed(range(len(conjuncts))), keys, earlier)
    return sorted({**earlier, **later}.items())


# ---- walking segments ---------------------------------------------------------------------------


class _Linter:
    def __init__(self, source: Source, segment: str) -> None:
        self.source = source
        self.segment = segment
        self.diagnostics: list[Diagnostic] = []

    def walk(self, node: s.Expr, pred: ir.Pred, top: bool = False, alone: bool = True) -> None:
        """Lint every 'and' chain in ``node``; ``alone``: not a conjunct of a chain already linted."""
        if isinstance(node, s.And) and isinstance(pred, ir.And):
            pairs = _flatten(node, pred)
            if pairs is None:
                return
            self.chain([_Conjunct(n, p) for n, p in pairs], top)
            for item, part in pairs:
                self.walk(item, part, alone=False)
            return
        if alone and not isinstance(node, (s.Or, s.Not)):
            self.chain([_Conjunct(node, pred)], top)
        if isinstance(node, s.Or) and isinstance(pred, ir.Or) and len(node.items) == len(pred.preds):
            for item, part in zip(node.items, pred.preds, strict=True):
                self.walk(item, part)
        elif isinstance(node, s.Not) and isinstance(pred, ir.Not):
            self.walk(node.operand, pred.pred)
        else:
            inner = _filter_of(node)
            aggregation = _aggregation_of(pred)
            if inner is not None and aggregation is not None and aggregation.filter is not None:
                self.walk(inner, aggregation.filter)

    def chain(self, conjuncts: list[_Conjunct], top: bool) -> None:
        groups = _groups(conjuncts)
        never = _contradiction(conjuncts, groups)
        if never is not None:
            indexes, related = never
            self.never_true([conjuncts[i].node for i in indexes], top, related)
            return
        for j, i in _redundant(conjuncts, _group_keys(groups)):
            self.implied(conjuncts[j], conjuncts[i])

    def never_true(self, nodes: list[s.Expr], top: bool, related: bool = False) -> None:
        result = f"segment '{self.segment}' matches nobody" if top else "this part is always false"
        quoted = [f'"{self.text(n)}"' for n in nodes]
        if len(nodes) == 1:
            message = f"{quoted[0]} can never be true, so {result}"
            hint = "a count is never below 0, and a whole-number field never equals a fraction"
        else:
            both = "both" if len(nodes) == 2 else "all"
            message = f"{', '.join(quoted[:-1])} and {quoted[-1]} can never {both} be true, so {result}"
            hint = "one of them is probably wrong; if either should do, join them with 'or'"
            if related:
                hint = ("a row in a shorter window (or passing a filter) also counts for a longer window "
                        "(or without the filter); one of the two is probably wrong")
        notes = tuple(f'{self.source.path}:{n.span.line}:{n.span.column}: "{self.text(n)}" is here'
                      for n in nodes[:-1])
        self.diagnostics.append(make("SEG401", message, self.source, nodes[-1].span, hint,
                                     severity="warning", notes=notes))

    def implied(self, redundant: _Conjunct, by: _Conjunct) -> None:
        mine, theirs = self.text(redundant.node), self.text(by.node)
        word = "is implied by"
        if redundant.pred == by.pred:
            word = "repeats" if mine == theirs else "means the same as"
        message = f'"{mine}" {word} "{theirs}" (line {by.node.span.line}), so it changes nothing'
        self.diagnostics.append(make("SEG402", message, self.source, redundant.node.span,
                                     "remove it, or check whether one of the two is wrong",
                                     severity="warning"))

    def text(self, node: s.Expr) -> str:
        words = self.written(node)
        return words if len(words) <= 60 else words[:57] + "…"

    def written(self, node: s.Expr) -> str:
        """The node as written; a group in its parentheses (its span leaves them out)."""
        if isinstance(node, s.Not):
            opened = self.source.text[node.span.start:node.operand.span.start].count("(")
            opened -= isinstance(node.operand, (s.And, s.Or))
            return "not " + "(" * opened + self.written(node.operand) + ")" * opened
        words = " ".join(self.source.text[node.span.start:node.span.end].split())
        return f"({words})" if isinstance(node, (s.And, s.Or)) else words


def _flatten(node: s.And, pred: ir.And) -> list[tuple[s.Expr, ir.Pred]] | None:
    """The conjuncts of ``(a and b) and c`` with their IR; None if the two do not line up."""
    if len(node.items) != len(pred.preds):
        return None
    out: list[tuple[s.Expr, ir.Pred]] = []
    for item, part in zip(node.items, pred.preds, strict=True):
        if isinstance(item, s.And) and isinstance(part, ir.And):
            inner = _flatten(item, part)
            if inner is None:
                return None
            out.extend(inner)
        else:
            out.append((item, part))
    return out


def top_level_parts(expr: s.Expr, pred: ir.Pred) -> tuple[str, list[tuple[s.Expr, ir.Pred]]]:
    """A segment's top-level conditions with their IR, and how they are joined ("and", "or", "")."""
    if isinstance(expr, s.And) and isinstance(pred, ir.And):
        pairs = _flatten(expr, pred)
        if pairs is not None:
            return "and", pairs
    if isinstance(expr, s.Or) and isinstance(pred, ir.Or) and len(expr.items) == len(pred.preds):
        return "or", list(zip(expr.items, pred.preds, strict=True))
    return "", [(expr, pred)]


def _filter_of(node: s.Expr) -> s.Expr | None:
    if isinstance(node, s.HasRows):
        return node.filter
    operand = getattr(node, "operand", None)
    return operand.filter if isinstance(operand, s.Aggregate) else None


def _aggregation_of(pred: ir.Pred) -> ir.Aggregation | None:
    while isinstance(pred, (ir.Not, ir.And)):
        if isinstance(pred, ir.Not):
            pred = pred.pred
        elif pred.preds:
            pred = pred.preds[0]
        else:
            return None
    value = getattr(pred, "value", None)
    return value if isinstance(value, ir.Aggregation) else None


# ---- entry points -------------------------------------------------------------------------------


@without_gc
def lint_segments(program: Program) -> list[Diagnostic]:
    """SEG401/SEG402 for every segment that checked (with the collector paused, as for
    the compile: the sets built for a long chain would make each of its passes slower)."""
    out: list[Diagnostic] = []
    for file in program.files:
        source = Source(file.path, file.source)
        for segment in file.segments:
            checked = program.segments.get(segment.name.text)
            if checked is None or checked.path != file.path or checked.line != segment.span.line:
                continue  # it had errors (or is a duplicate name)
            linter = _Linter(source, segment.name.text)
            linter.walk(segment.expr, checked.pred, top=True)
            out.extend(linter.diagnostics)
    return out


def unused_traits(program: Program) -> list[Diagnostic]:
    """SEG404: traits that no checked segment uses, directly or through other traits."""
    if program.checker is None or program.errors or not program.segments:
        return []
    graph = program.checker.depends_on
    seen: set[str] = set()
    stack = [f"seg:{name}" for name in program.segments]
    while stack:
        owner = stack.pop()
        if owner not in seen:
            seen.add(owner)
            stack.extend(graph.get(owner, ()))
    schema = program.schema
    source = schema.shown_source
    return [make("SEG404", f"trait '{name}' is not used by any of the checked segments", source,
                 _trait_span(trait.span, trait.source),
                 "remove it from the schema, or check the files that use it together with these",
                 severity="warning")
            for name, trait in schema.traits.items() if f"trait:{name}" not in seen]


def _trait_span(start: s.Span, text: str) -> s.Span:
    first = text.split("\n", 1)[0].rstrip()
    width = max(1, len(first))
    return s.Span(start.start, start.start + width, start.line, start.column, start.line,
                  start.column + width)


def lint(program: Program, whole_project: bool = True) -> list[Diagnostic]:
    """Every warning that needs no database, sorted. ``whole_project`` is False when only
    some files are checked (an editor's current file, a pre-commit hook's changed files):
    a trait those files do not use is then no news, so SEG404 is left out."""
    found = lint_segments(program) + (unused_traits(program) if whole_project else [])
    return sorted(dict.fromkeys(found), key=lambda d: d.sort_key())
