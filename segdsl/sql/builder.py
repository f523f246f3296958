"""IR → one sqlglot SELECT that returns one row per member and one column (the key).

Query shape, chosen for speed on real data:

* attribute-only segments are a plain ``SELECT key FROM entity WHERE …``;
* all aggregates over one relation share ONE grouped pass over that relation
  (conditional aggregates), restricted to the widest window any of them needs, joined
  once to the entity table;
* top/bottom N% ranks are computed once per distinct value over all entities.

Two-valued logic: predicates are lowered in negation normal form; a negated atom whose
value can be missing also accepts the missing value, so ``not X`` is the exact complement
of ``X`` and NULL never leaks into the result.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from sqlglot import exp

from segdsl import ir
from segdsl.schema import Schema
from segdsl.sql.lowering import Lowering
from segdsl.sql.plan import Plan, RelationPlan, existence, make_plan
from segdsl.sql.scan import own_conditions, relation_scan

ENTITY_ALIAS = "e"
ROW_ALIAS = "r"
KEY_ALIAS = "entity_key"


def table_expr(name: str) -> exp.Expr:
    """A table name, a schema-qualified name (parts quoted) or, for DuckDB, a file path."""
    if "/" in name or name.endswith((".parquet", ".csv", ".json", ".ndjson")):
        return exp.Table(this=exp.Literal.string(name))
    parts = name.split(".")
    table = exp.to_identifier(parts[-1], quoted=True, copy=False)
    db = exp.to_identifier(parts[-2], quoted=True) if len(parts) >= 2 else None
    catalog = exp.to_identifier(parts[-3], quoted=True) if len(parts) >= 3 else None
    return exp.Table(this=table, db=db, catalog=catalog)


def _aliased(table: str, alias: str) -> exp.Expr:
    target = table_expr(table)
    target.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
    return target


def _cte(name: str, query: exp.Select) -> exp.CTE:
    return exp.CTE(this=query, alias=exp.TableAlias(this=exp.to_identifier(name, quoted=True)))


def _col(name: str, table: str) -> exp.Column:
    return exp.column(name, table=table, quoted=True, copy=False)


class QueryBuilder:
    """Builds the SELECT for one predicate; reusable across segments of one schema."""

    def __init__(self, schema: Schema, lowering: Lowering) -> None:
        self.schema = schema
        self.low = lowering

    # ---- public ------------------------------------------------------------------
    def members_query(self, pred: ir.Pred) -> exp.Select:
        plan = make_plan([pred], members_only=True, semi_joins=self.low.semi_joins)
        used = _directly_used([pred])
        select = self._from_entity(plan, [_col(self.schema.key, ENTITY_ALIAS)], used)
        rest = list(pred.preds) if isinstance(pred, ir.And) else [pred]
        if self.low.semi_join_syntax:  # top-level has/no as SEMI / ANTI JOIN (see Lowering)
            joins: list[exp.Join] = []
            for part in list(rest):
                if _is_semi_join(part, plan):
                    assert isinstance(part, ir.Compare) and isinstance(part.value, ir.Aggregation)
                    joins.append(self._semi_join(part.value, len(joins) + 1, anti=not existence(part)))
                    rest.remove(part)
            if joins:
                select.set("joins", [*select.args.get("joins", []), *joins])
        if not rest:
            return select
        kept = rest[0] if len(rest) == 1 else ir.And(tuple(rest))
        return select.where(self.pred(kept, plan, negate=False), copy=False)

    def _semi_join(self, aggregation: ir.Aggregation, index: int, anti: bool) -> exp.Join:
        """``SEMI JOIN (keys of the related rows) ON …`` (``ANTI JOIN``: entities without any)."""
        alias = f"has{index}"
        keys = exp.Subquery(this=self._matching_keys(aggregation),
                            alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        on = exp.EQ(this=_col(aggregation.relation.key, alias), expression=_col(self.schema.key, ENTITY_ALIAS))
        return exp.Join(this=keys, on=on, kind="ANTI" if anti else "SEMI")

    def membership_query(self, preds: dict[str, ir.Pred]) -> exp.Select:
        """The key plus one boolean column per segment, all in one pass."""
        plan = make_plan(list(preds.values()), members_only=False, semi_joins=False)
        columns: list[exp.Expr] = [_col(self.schema.key, ENTITY_ALIAS)]
        for name, pred in preds.items():
            value = self.low.flag(self.pred(pred, plan, negate=False))
            columns.append(exp.alias_(value, name, quoted=True, copy=False))
        used = _directly_used(list(preds.values()))
        return self._from_entity(plan, columns, used)

    def plan(self, preds: list[ir.Pred]) -> Plan:
        """A plan in which every aggregate is a column of a joined CTE (for callers that read
        aggregate values, not only conditions)."""
        return make_plan(preds, members_only=False, semi_joins=False)

    # ---- joins -------------------------------------------------------------------
    def _from_entity(self, plan: Plan, columns: list[exp.Expr], joined: set[str] | None = None,
                     top_level: bool = True) -> exp.Select:
        """SELECT … FROM entity, with the relation CTEs (top level only) and the joins it needs.

        Nodes are built directly (not with sqlglot's string-parsing builders): compile time matters.
        """
        select = exp.Select(expressions=columns, from_=exp.From(this=_aliased(self.schema.table, ENTITY_ALIAS)))
        ctes: list[exp.CTE] = []
        joins: list[exp.Join] = []
        for rel in plan.joined():
            if top_level:
                ctes.append(_cte(rel.cte, self._relation_cte(rel)))
            if joined is None or rel.relation.name in joined:
                joins.append(self._join(rel.cte, rel.alias, inner=rel.inner and top_level))
        if top_level:
            for (value, side), alias in plan.percentiles.items():
                if self.low.percentile_threshold:
                    ctes.append(_cte(alias, self._percentile_values(plan, value)))
                    if isinstance(value, ir.Aggregation):  # read its value from there, joined once
                        joins.append(self._join(alias, alias))
                else:
                    ctes.append(_cte(alias, self._percentile_cte(plan, value, side)))
                    joins.append(self._join(alias, alias))
        if joins:
            select.set("joins", joins)
        if ctes:
            select.set("with_", exp.With(expressions=ctes))
        return select

    def _join(self, table: str, alias: str, inner: bool = False) -> exp.Join:
        on = exp.EQ(this=_col(KEY_ALIAS, alias), expression=_col(self.schema.key, ENTITY_ALIAS))
        target = exp.Table(this=exp.to_identifier(table, quoted=True),
                           alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        return exp.Join(this=target, on=on) if inner else exp.Join(this=target, on=on, side="LEFT")

    def _relation_cte(self, rel: RelationPlan) -> exp.Select:
        """One grouped pass over the relation computing every aggregate the segments need."""
        scan = relation_scan(rel, self.low.as_of)
        key = _col(rel.relation.key, ROW_ALIAS)
        columns: list[exp.Expr] = [exp.alias_(key, KEY_ALIAS, quoted=True, copy=False)]
        for aggregation, alias in rel.columns.items():
            value = self.low.joined_value(self._aggregate(aggregation, own_conditions(aggregation, scan)))
            columns.append(exp.alias_(value, alias, quoted=True, copy=False))
        select = exp.Select(expressions=columns, from_=exp.From(this=_aliased(rel.relation.table, ROW_ALIAS)))
        where = [self.pred(p, Plan(), negate=False) for p in (scan.window, scan.filter) if p is not None]
        if where:
            select = select.where(_balanced(where, exp.And), copy=False)
        return select.group_by(key.copy(), copy=False)

    def _percentile_cte(self, plan: Plan, value: ir.Value, side: str) -> exp.Select:
        """Rank of every entity that has a value (ties share the best rank) and how many have one."""
        value_sql = self.value(value, plan)
        columns = [
            exp.alias_(_col(self.schema.key, ENTITY_ALIAS), KEY_ALIAS, quoted=True, copy=False),
            exp.alias_(self.low.joined_value(self.low.rank(value_sql, descending=side == "top")), "rnk",
                       quoted=True, copy=False),
            exp.alias_(self.low.joined_value(self.low.count_all()), "cnt", quoted=True, copy=False),
        ]
        needed = {value.relation.name} if isinstance(value, ir.Aggregation) else set()
        select = self._from_entity(plan, columns, joined=needed, top_level=False)
        if not _nullable(value):
            return select
        return select.where(exp.Not(this=exp.Is(this=value_sql.copy(), expression=exp.null())), copy=False)

    def _percentile_values(self, plan: Plan, value: ir.Value) -> exp.Select:
        """Every entity's value, where it has one (the threshold form of top/bottom N%)."""
        value_sql = self.value(value, plan)
        needed = {value.relation.name} if isinstance(value, ir.Aggregation) else set()
        columns = [exp.alias_(_col(self.schema.key, ENTITY_ALIAS), KEY_ALIAS, quoted=True, copy=False),
                   exp.alias_(value_sql, "v", quoted=True, copy=False)]
        select = self._from_entity(plan, columns, joined=needed, top_level=False)
        if not _nullable(value):
            return select
        return select.where(exp.Not(this=exp.Is(this=value_sql.copy(), expression=exp.null())), copy=False)

    # ---- aggregates -------------------------------------------------------------------
    def _aggregate(self, aggregation: ir.Aggregation, conditions: list[ir.Pred]) -> exp.Expr:
        """The aggregate over the rows that also pass ``conditions`` (CASE WHEN … THEN …)."""
        condition = self.pred(ir.And(tuple(conditions)), Plan(), negate=False) if conditions else None
        arg = self.row_value(aggregation.arg) if aggregation.arg is not None else exp.Star()
        func = {"count": exp.Count, "count_distinct": exp.Count, "sum": exp.Sum, "avg": exp.Avg,
                "min": exp.Min, "max": exp.Max}[aggregation.func]
        distinct = aggregation.func == "count_distinct"
        if distinct and aggregation.arg is not None:
            arg = self.low.distinct_value(arg, aggregation.arg.type.is_textual)
        if aggregation.func in ("sum", "avg") and aggregation.arg is not None \
                and aggregation.arg.type.kind == "decimal":
            return self.low.decimal_total(aggregation.func == "avg", arg, condition)
        return self.low.aggregate(func, arg, condition, distinct)

    # ---- values -------------------------------------------------------------------------
    def value(self, value: ir.Value, plan: Plan) -> exp.Expr:
        if isinstance(value, ir.Column):
            return _col(value.name, ENTITY_ALIAS)
        if isinstance(value, ir.RowColumn):
            return self.row_value(value)
        rel = plan.relations[value.relation.name]
        column = _col(rel.columns[value], rel.alias)
        if value.func in ("count", "count_distinct", "sum"):
            return exp.Coalesce(this=column, expressions=[exp.Literal.number(0)])
        return column

    def row_value(self, value: ir.RowColumn) -> exp.Expr:
        return _col(value.name, ROW_ALIAS)

    # ---- predicates ----------------------------------------------------------------------
    def pred(self, pred: ir.Pred, plan: Plan, negate: bool) -> exp.Expr:
        if isinstance(pred, ir.Compare) and isinstance(pred.value, ir.Aggregation):
            rel = plan.relations.get(pred.value.relation.name)
            if rel is not None and rel.semi_join == pred.value:
                found = self._has_rows(pred.value)
                return found if existence(pred) != negate else self.low.is_not_true(found)
        if isinstance(pred, ir.Not):
            return self.pred(pred.pred, plan, not negate)
        if isinstance(pred, (ir.And, ir.Or)):
            conjunction = isinstance(pred, ir.And) != negate
            parts = [self.pred(p, plan, negate) for p in pred.preds]
            if not parts:
                return self.low.true() if conjunction else exp.Not(this=self.low.true())
            return _balanced(parts, exp.And if conjunction else exp.Or)
        if isinstance(pred, ir.Const):
            value = pred.value != negate
            return self.low.true() if value else exp.Not(this=self.low.true())
        if isinstance(pred, ir.Compare) and negate and pred.op != "=":
            flipped = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "!=": "="}[pred.op]
            return self._or_missing(self._atom(ir.Compare(pred.value, flipped, pred.literal), plan),  # type: ignore[arg-type]
                                    pred.value, plan)
        atom = self._atom(pred, plan)
        if not negate:
            return atom
        if isinstance(pred, ir.IsNull):
            return exp.Not(this=atom)
        if isinstance(pred, (ir.Compare, ir.InSet)):
            return self._or_missing(_negate(atom), pred.value, plan)
        return self.low.is_not_true(atom)

    def _has_rows(self, aggregation: ir.Aggregation) -> exp.Expr:
        """``key IN (keys of the related rows that pass the window and filter)``.

        An uncorrelated IN runs everywhere (ClickHouse included) as a semi join; under ``not``
        it is wrapped like any other atom that may be unknown (a missing key).
        """
        keys = exp.Subquery(this=self._matching_keys(aggregation))
        return exp.In(this=_col(self.schema.key, ENTITY_ALIAS), query=keys)

    def _matching_keys(self, aggregation: ir.Aggregation) -> exp.Select:
        """SELECT the key of every related row that passes the aggregate's window and filter."""
        conditions = [p for p in (aggregation.window, aggregation.filter) if p is not None]
        query = exp.Select(expressions=[_col(aggregation.relation.key, ROW_ALIAS)],
                           from_=exp.From(this=_aliased(aggregation.relation.table, ROW_ALIAS)))
        if conditions:
            parts = [self.pred(c, Plan(), negate=False) for c in conditions]
            query = query.where(_balanced(parts, exp.And), copy=False)
        return query

    def _or_missing(self, atom: exp.Expr, value: ir.Value, plan: Plan) -> exp.Expr:
        if not _nullable(value):
            return atom
        missing = exp.Is(this=self.value(value, plan), expression=exp.null())
        return exp.Paren(this=exp.Or(this=atom, expression=missing))

    def _atom(self, pred: ir.Pred, plan: Plan) -> exp.Expr:
        low = self.low
        if isinstance(pred, ir.Compare):
            value = self.value(pred.value, plan)
            literal = low.literal(pred.literal)
            if pred.op == "=":
                return low.equals(value, literal, pred.literal.type.is_textual)
            op = {"<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE, "!=": exp.NEQ}[pred.op]
            return op(this=value, expression=literal)
        if isinstance(pred, ir.InSet):
            literals = [low.literal(lit) for lit in pred.literals]
            return low.in_set(self.value(pred.value, plan), literals, pred.literals[0].type.is_textual)
        if isinstance(pred, ir.IsNull):
            return exp.Is(this=self.value(pred.value, plan), expression=exp.null())
        if isinstance(pred, ir.TextMatch):
            return low.text_match(self.value(pred.value, plan), pred.kind, pred.text)
        if isinstance(pred, ir.RegexMatch):
            return low.regex(self.value(pred.value, plan), pred.pattern)
        if isinstance(pred, ir.ListHas):
            value = self.value(pred.value, plan)
            parts = [low.list_contains(self.value(pred.value, plan), low.literal(lit)) for lit in pred.literals]
            return _balanced(parts, exp.And if pred.mode == "all" else exp.Or)
        if isinstance(pred, ir.TimeRange):
            return self._time_range(pred, plan)
        if isinstance(pred, ir.Percentile):
            return self._percentile_atom(pred, plan)
        raise AssertionError(f"unhandled predicate {type(pred).__name__}")  # pragma: no cover

    def _time_range(self, pred: ir.TimeRange, plan: Plan) -> exp.Expr:
        value = self.value(pred.value, plan)
        is_date = pred.value.type.kind == "date"
        parts: list[exp.Expr] = []
        if (pred.low is not None and pred.high is not None and is_date and pred.low == pred.high
                and pred.low.inclusive and not isinstance(pred.low.point, dt.datetime)):
            return exp.EQ(this=value, expression=self.low.day(pred.low.point))
        for bound, is_low in ((pred.low, True), (pred.high, False)):
            if bound is None:
                continue
            parts.append(self._bound(self.value(pred.value, plan), is_date, bound, is_low))  # fresh: no copy
        return _balanced(parts, exp.And)

    def _bound(self, value: exp.Expr, is_date: bool, bound: ir.Bound, is_low: bool) -> exp.Expr:
        point = bound.point
        if isinstance(point, dt.datetime):
            target = self.low.timestamp_literal(point)
            if is_date:
                value = self.low.to_timestamp(value)
            op = (exp.GTE if bound.inclusive else exp.GT) if is_low else (exp.LTE if bound.inclusive else exp.LT)
            return op(this=value, expression=target)
        if is_date:
            op = (exp.GTE if bound.inclusive else exp.GT) if is_low else (exp.LTE if bound.inclusive else exp.LT)
            return op(this=value, expression=self.low.day(point))
        # A timestamp against a calendar day: compare with midnight so an index can be used.
        extra = int(bound.inclusive != is_low)  # the first midnight past the bound's day
        try:
            midnight = self.low.day_as_timestamp(point, extra)
        except OverflowError:  # the midnight after 9999-12-31: no such timestamp
            if is_low:  # after the last day there is: nothing
                return exp.Not(this=self.low.true())
            return exp.Not(this=exp.Is(this=value, expression=exp.null()))  # up to the last day: any
        return (exp.GTE if is_low else exp.LT)(this=value, expression=midnight)

    def _percentile_atom(self, pred: ir.Percentile, plan: Plan) -> exp.Expr:
        alias = plan.percentiles[(pred.value, pred.side)]
        ratio = Fraction(pred.percent) / 100
        if self.low.percentile_threshold:
            return self._percentile_threshold(pred, plan, alias, ratio)
        # (rank - 1) / count < percent / 100, in integers: den * (rank - 1) < num * count
        left = exp.Mul(this=exp.Literal.number(ratio.denominator),
                       expression=exp.Paren(this=exp.Sub(this=_col("rnk", alias),
                                                          expression=exp.Literal.number(1))))
        right = exp.Mul(this=exp.Literal.number(ratio.numerator), expression=_col("cnt", alias))
        return exp.LT(this=left, expression=right)


    def _percentile_threshold(self, pred: ir.Percentile, plan: Plan, alias: str, ratio: Fraction) -> exp.Expr:
        """``value >= the k-th largest value`` (bottom: ``<=`` the k-th smallest), k = ⌈n·p⌉.

        The same members as the rank form: an entity is in the top p% when fewer than p·n
        entities have a strictly greater value, that is when its tie group starts at a position
        ≤ ⌈p·n⌉ of the values sorted, i.e. its value is ≥ the value at position k. ORDER BY …
        LIMIT k is a top-k heap, not a sort of every entity. k = 0 gives no members.
        """
        top = pred.side == "top"
        values = exp.Table(this=exp.to_identifier(alias, quoted=True))
        # k = ⌈n·num/den⌉ in integers: (n·num + den − 1) div den
        rounded_up = exp.Add(this=exp.Mul(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(ratio.numerator)),
                             expression=exp.Literal.number(ratio.denominator - 1))
        k = exp.Select(expressions=[exp.IntDiv(this=exp.Paren(this=rounded_up),
                                               expression=exp.Literal.number(ratio.denominator))],
                       from_=exp.From(this=values.copy()))
        ordered = exp.Select(expressions=[exp.column("v", quoted=True)], from_=exp.From(this=values.copy()))
        ordered = ordered.order_by(exp.Ordered(this=exp.column("v", quoted=True), desc=top), copy=False)
        ordered.set("limit", exp.Limit(expression=exp.Subquery(this=k)))
        edge = (exp.Min if top else exp.Max)(this=exp.column("v", quoted=True))
        threshold = exp.Select(expressions=[edge], from_=exp.From(this=exp.Subquery(
            this=ordered, alias=exp.TableAlias(this=exp.to_identifier("k", quoted=True)))))
        compare = exp.GTE if top else exp.LTE
        # an aggregate's value comes from the joined percentile CTE (computed once, read twice)
        mine = _col("v", alias) if isinstance(pred.value, ir.Aggregation) else self.value(pred.value, plan)
        return compare(this=mine, expression=exp.Subquery(this=threshold))


def _is_semi_join(pred: ir.Pred, plan: Plan) -> bool:
    if not (isinstance(pred, ir.Compare) and isinstance(pred.value, ir.Aggregation)):
        return False
    rel = plan.relations.get(pred.value.relation.name)
    return rel is not None and rel.semi_join == pred.value


def _directly_used(preds: list[ir.Pred]) -> set[str]:
    """Relations whose aggregates the predicates use outside top/bottom N% (those join directly;
    a percentile reads its value inside its own CTE)."""
    used: set[str] = set()
    for pred in preds:
        for node in ir.walk(pred):
            value = getattr(node, "value", None)
            if isinstance(value, ir.Aggregation) and not isinstance(node, ir.Percentile):
                used.add(value.relation.name)
    return used  # (relations read with key IN (…) are not joined at all: see Plan.joined)


def _negate(atom: exp.Expr) -> exp.Expr:
    if isinstance(atom, exp.EQ):
        return exp.NEQ(this=atom.this, expression=atom.expression)
    if isinstance(atom, exp.Connector):  # NOT a AND b would read as (NOT a) AND b
        return exp.Not(this=exp.Paren(this=atom))
    return exp.Not(this=atom)


def _nullable(value: ir.Value) -> bool:
    if isinstance(value, ir.Aggregation):
        return value.func in ("avg", "min", "max")
    return True


def _balanced(parts: list[exp.Expr], op: type[exp.Connector]) -> exp.Expr:
    """Join with AND/OR as a balanced tree: 10,000 conditions stay shallow (no recursion limit)."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    left, right = _balanced(parts[:middle], op), _balanced(parts[middle:], op)
    wrap_left = exp.Paren(this=left) if isinstance(left, exp.Or) and op is exp.And else left
    wrap_right = exp.Paren(this=right) if isinstance(right, exp.Or) and op is exp.And else right
    return op(this=wrap_left, expression=wrap_right)


