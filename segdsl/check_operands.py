"""Operands resolved to typed IR values: fields, ``relation.field`` mistakes, aggregates.

A mixin of Checker rather than functions: an aggregate's filter is a condition checked by
the checker (``_pred``, recursively), and a field may be a trait resolved on demand
(``_use_trait``), so this code shares the checker's state instead of taking it piecemeal.
The methods it relies on are declared below for mypy only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from segdsl import ir
from segdsl import syntax as s
from segdsl.check_literals import with_article
from segdsl.check_time import window
from segdsl.datatypes import DECIMAL, INT, DataType
from segdsl.diagnostics import did_you_mean
from segdsl.node import Node
from segdsl.schema import Relation, Schema


class Scope(Node):
    """Where names are looked up: the entity, or one relation's rows (inside a filter)."""

    relation: Relation | None = None


ENTITY = Scope()


class PredValue(Node):
    """A yes/no trait used where a value is expected."""

    pred: ir.Pred


if TYPE_CHECKING:
    Typed = tuple[ir.Value | PredValue, DataType]  # an operand's IR value and its type


class OperandResolver:
    """Resolves the operand of a condition against the schema (see Checker)."""

    schema: Schema

    if TYPE_CHECKING:
        def _error(self, code: str, message: str, span: s.Span, hint: str | None = None) -> None: ...
        def _need(self, span: s.Span, feature: str) -> None: ...
        def _pred(self, node: s.Expr, scope: Scope) -> ir.Pred | None: ...
        def _nested(self, span: s.Span, what: str, scope: Scope) -> ir.Pred | None: ...
        def _use_trait(self, operand: s.FieldRef) -> Typed | None: ...

    def _operand(self, operand: s.Operand, scope: Scope) -> Typed | None:
        if isinstance(operand, s.Aggregate):
            return self._aggregate(operand, scope)
        if isinstance(operand, s.RelationFieldRef):
            return self._relation_field(operand, scope)
        name = operand.name.text
        if scope.relation is not None:
            field = scope.relation.fields.get(name)
            if field is None:
                suggestion = did_you_mean(name, list(scope.relation.fields))
                hint = f"did you mean '{suggestion}'?" if suggestion else (
                    f"fields of {scope.relation.name}: {', '.join(scope.relation.fields)}")
                self._error("SEG103", f"'{scope.relation.name}' has no field '{name}'", operand.span, hint)
                return None
            return ir.RowColumn(field.column, field.type), field.type
        field = self.schema.fields.get(name)
        if field is not None:
            return ir.Column(field.column, field.type), field.type
        if name in self.schema.traits:
            return self._use_trait(operand)
        self._unknown_field(operand)
        return None

    def _unknown_field(self, operand: s.FieldRef) -> None:
        name = operand.name.text
        if name in self.schema.relations:
            self._error("SEG101", f"'{name}' is a relation, not a field", operand.span,
                        f"use 'has {name}', 'count({name}) >= 2' or 'sum({name}.FIELD) > 100'")
            return
        for relation in self.schema.relations.values():
            if name in relation.fields:
                self._error(
                    "SEG104", f"'{name}' is a field of {relation.name}, used outside its filter",
                    operand.name.span,
                    f"outside parentheses a has/no filter takes one condition; put a filter with "
                    f"and/or in parentheses: has {relation.name} where (… and {name} …), or use "
                    f"count({relation.name} where …)")
                return
        suggestion = did_you_mean(name, [*self.schema.fields, *self.schema.traits])
        hint = f"did you mean '{suggestion}'?" if suggestion else None
        self._error("SEG101", f"unknown field '{name}'", operand.name.span, hint)

    def _relation_field(self, operand: s.RelationFieldRef, scope: Scope) -> Typed | None:
        relation = operand.relation.text
        if scope.relation is not None and scope.relation.name == relation:
            return self._operand(s.FieldRef(operand.field, operand.span), scope)
        if relation not in self.schema.relations:
            self._unknown_relation(operand.relation)
            return None
        self._error("SEG104", f"'{relation}.{operand.field.text}' can only be used inside an aggregate "
                    "or a has/no filter", operand.span,
                    f"for example: sum({relation}.{operand.field.text}) > 100, or put a has/no filter "
                    "that uses and/or in parentheses: has orders where (amount > 100 and status = 'paid')")
        return None

    def _unknown_relation(self, name: s.Name) -> None:
        suggestion = did_you_mean(name.text, list(self.schema.relations))
        hint = f"did you mean '{suggestion}'?" if suggestion else (
            f"relations: {', '.join(self.schema.relations)}" if self.schema.relations
            else "the schema declares no relations")
        self._error("SEG102", f"unknown relation '{name.text}'", name.span, hint)

    def _aggregate(self, node: s.Aggregate, scope: Scope) -> tuple[ir.Value, DataType] | None:
        if scope.relation is not None:
            self._nested(node.span, "an aggregate", scope)
            return None
        relation = self.schema.relations.get(node.relation.text)
        if relation is None:
            self._unknown_relation(node.relation)
            return None
        self._need(node.span, "aggregates")
        inner = Scope(relation)
        arg: ir.RowColumn | None = None
        result_type = INT
        ok = True
        if node.field is not None:
            field = relation.fields.get(node.field.text)
            if field is None:
                suggestion = did_you_mean(node.field.text, list(relation.fields))
                self._error("SEG103", f"'{relation.name}' has no field '{node.field.text}'", node.field.span,
                            f"did you mean '{suggestion}'?" if suggestion else
                            f"fields of {relation.name}: {', '.join(relation.fields)}")
                ok = False
            else:
                arg = ir.RowColumn(field.column, field.type)
                result_type = self._aggregate_type(node, field.type) or INT
                ok = self._aggregate_type(node, field.type) is not None
        time_range = None
        if node.window is not None:
            if relation.time is None:
                self._error("SEG120", f"'{relation.name}' has no time column for windows", node.window.span,
                            f"add  time: COLUMN  to relation '{relation.name}' in the schema")
                ok = False
            else:
                time_field = relation.fields[relation.time]
                time_range = window(ir.RowColumn(time_field.column, time_field.type), node.window,
                                    self._error, self._need)
                ok = ok and time_range is not None
        filter_pred = None
        if node.filter is not None:
            filter_pred = self._pred(node.filter, inner)
            ok = ok and filter_pred is not None
        if not ok:
            return None
        ref = ir.RelationRef(relation.name, relation.table, relation.key)
        return ir.Aggregation(node.func, ref, arg, time_range, filter_pred, result_type), result_type

    def _aggregate_type(self, node: s.Aggregate, field_type: DataType) -> DataType | None:
        if node.func == "count_distinct":
            return INT
        if node.func in ("sum", "avg") and not field_type.is_numeric:
            self._error("SEG118", f"{node.func} needs a number, but {node.relation.text}."
                        f"{node.field.text if node.field else ''} is {with_article(field_type)}", node.span)
            return None
        if node.func in ("min", "max") and not field_type.is_orderable:
            self._error("SEG118", f"{node.func} needs a number, date or timestamp, but this is "
                        f"{with_article(field_type)}", node.span)
            return None
        return DECIMAL if node.func == "avg" else field_type
