"""The IR in plain English, so a marketer can read what a segment really selects.

``customers aged 25 to 40, in the UK or Ireland, with at least 3 orders in the last 90 days``

It reads the IR, not the source text, so traits and segment references say what they mean.
Every condition becomes a *qualifier* that follows the plural entity noun ("aged …", "in …",
"with …", "who …", "whose …") and knows how to say its own negation, so ``not`` rarely has
to be spelled out. Field ``description:`` metadata names a field, and a described value trait
(``lifetime_value``) is named by its description. No sqlglot here: describing stays fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from segdsl import ir
from segdsl.schema import Field, Schema

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# ISO 3166 codes (and the common "UK") → names, for location-like fields.
_COUNTRIES = {
    "UK": "the UK", "GB": "the UK", "IE": "Ireland", "US": "the US", "CA": "Canada",
    "DE": "Germany", "FR": "France", "ES": "Spain", "IT": "Italy", "PT": "Portugal",
    "NL": "the Netherlands", "BE": "Belgium", "LU": "Luxembourg", "AT": "Austria",
    "CH": "Switzerland", "SE": "Sweden", "NO": "Norway", "DK": "Denmark", "FI": "Finland",
    "PL": "Poland", "CZ": "Czechia", "GR": "Greece", "AU": "Australia", "NZ": "New Zealand",
    "JP": "Japan", "CN": "China", "IN": "India", "BR": "Brazil", "MX": "Mexico",
    "ZA": "South Africa", "SG": "Singapore", "AE": "the UAE",
}
_PLACES = {"region", "country", "country_code", "city", "town", "state", "county", "province",
           "location", "market"}
_MONEY = {"amount", "price", "revenue", "spend", "spent", "total", "value", "cost", "sales"}
# Stems of date fields that read as a past participle: signup_date → "signed up …".
_PARTICIPLES = {"signup": "signed up", "sign_up": "signed up", "login": "logged in",
                "registration": "registered", "birth": "born", "purchase": "purchased",
                "visit": "visited", "order": "ordered", "join": "joined", "churn": "churned"}
_IRREGULAR = {"seen", "born", "made", "sent", "bought", "paid", "spent", "won", "lost"}
_FLIP = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


# ---- words ---------------------------------------------------------------------------


def plural(noun: str) -> str:
    """Simple English plural of the last word (customer → customers, category → categories)."""
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("sses", "xes", "ches", "shes")):
        return noun[:-2]
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def join(items: list[str], word: str = "or") -> str:
    """'a', 'a or b', 'a, b or c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} {items[-1]}"


def _human(name: str) -> str:
    return name.replace("_", " ").strip()


def _number(value: object) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _day(point: dt.date) -> str:
    text = f"{point.day} {_MONTHS[point.month - 1]} {point.year}"
    if isinstance(point, dt.datetime):
        text += f" at {point:%H:%M}" + (f":{point:%S}" if point.second else "")
    return text


def _units(amount: int, unit: str) -> str:
    return f"{amount} {unit}" + ("s" if amount != 1 else "")


def _point(point: ir.Day | dt.datetime) -> str:
    if not isinstance(point, ir.RelativeDay):
        return _day(point)
    text = "today" if point.back == 0 else f"{_units(point.back, point.unit)} ago"
    return text if not point.plus_days else f"{_units(point.plus_days, 'day')} after {text}"


def when(low: ir.Bound | None, high: ir.Bound | None) -> str:
    """A time range as an adverbial: 'in the last 90 days', 'more than 180 days ago', 'before 1 May 2024'."""
    if low and high:
        lp, hp = low.point, high.point
        if (isinstance(lp, ir.RelativeDay) and lp.plus_days == 1 and low.inclusive and high.inclusive
                and hp == ir.RelativeDay(0, "day")):
            return f"in the last {lp.unit}" if lp.back == 1 else f"in the last {_units(lp.back, lp.unit)}"
        if low.inclusive and high.inclusive:
            if lp == hp:
                return _point(lp) if lp == ir.RelativeDay(0, "day") else (
                    f"exactly {_point(lp)}" if isinstance(lp, ir.RelativeDay) else f"on {_point(lp)}")
            return f"between {_point(lp)} and {_point(hp)}"
        return f"{when(low, None)} and {when(None, high)}"
    if low:
        text, relative = _point(low.point), isinstance(low.point, ir.RelativeDay)
        if relative and low.point != ir.RelativeDay(0, "day"):
            return f"no more than {text}" if low.inclusive else f"less than {text}"
        return (f"{text} or later" if relative else f"on or after {text}") if low.inclusive else f"after {text}"
    if high:
        text, relative = _point(high.point), isinstance(high.point, ir.RelativeDay)
        if relative and high.point != ir.RelativeDay(0, "day"):
            return f"at least {text}" if high.inclusive else f"more than {text}"
        return (f"{text} or earlier" if relative else f"on or before {text}") if high.inclusive else f"before {text}"
    return "at any time"


def _dated(bound: ir.Bound | None, as_of: dt.date) -> ir.Bound | None:
    from segdsl.evaluate import resolve_day

    if bound is None or not isinstance(bound.point, ir.RelativeDay):
        return bound
    return ir.Bound(resolve_day(bound.point, as_of), bound.inclusive)


def when_as_of(low: ir.Bound | None, high: ir.Bound | None, as_of: dt.date | None) -> str:
    """:func:`when`, and with a reference date the calendar days a relative range means:
    'in the last 90 days (between 2 April 2026 and 30 June 2026)'."""
    text = when(low, high)
    relative = any(b is not None and isinstance(b.point, ir.RelativeDay) for b in (low, high))
    if as_of is None or not relative:
        return text
    return f"{text} ({when(_dated(low, as_of), _dated(high, as_of))})"


def _amount(op: str, text: str, fewer: bool = False) -> str:
    return {">=": f"at least {text}", ">": f"more than {text}", "<=": f"at most {text}",
            "<": f"{'fewer' if fewer else 'less'} than {text}", "=": f"exactly {text}"}[op]


def _range_of(pred: ir.Pred) -> tuple[ir.Value, ir.Lit, ir.Lit] | None:
    """``x >= a and x <= b`` on one value (what ``x a..b`` becomes): (x, a, b)."""
    if isinstance(pred, ir.And) and len(pred.preds) == 2:
        one, two = pred.preds
        if isinstance(one, ir.Compare) and isinstance(two, ir.Compare) and one.value == two.value:
            ops = {one.op: one.literal, two.op: two.literal}
            if set(ops) == {">=", "<="}:
                return one.value, ops[">="], ops["<="]
    return None


# ---- the describer ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """Where names come from: the entity's fields, or one relation's rows (inside a filter)."""

    fields: Mapping[str, Field]  # by physical column
    pronoun: str  # "who" for entities, "that" for rows
    plural: bool = True  # "that are" / "that is"


class Describer:
    """Renders predicates of one schema; ``traits`` maps described value traits to their description."""

    def __init__(self, schema: Schema, traits: Mapping[object, str] | None = None,
                 as_of: dt.date | None = None) -> None:
        self.schema = schema
        self.as_of = as_of  # given: relative time also reads as calendar days
        self.traits = dict(traits if traits is not None else trait_nouns(schema))
        self.entity = _Scope({f.column: f for f in schema.fields.values()}, "who")

    # -- public ----------------------------------------------------------------------
    def sentence(self, pred: ir.Pred) -> str:
        """'customers …' (lower case, no full stop)."""
        entities = plural(_human(self.schema.entity))
        if isinstance(pred, ir.Const):
            return f"{'all' if pred.value else 'no'} {entities}"
        return f"{entities} {self.qualifier(pred, top=True)}"

    def qualifier(self, pred: ir.Pred, top: bool = False) -> str:
        """One condition as the words that follow the entity noun."""
        return self._qual(pred, self.entity, neg=False, where="top" if top else "and")

    # -- composition -------------------------------------------------------------------
    def _qual(self, pred: ir.Pred, scope: _Scope, neg: bool, where: str) -> str:
        if isinstance(pred, ir.Not):
            return self._qual(pred.pred, scope, not neg, where)
        if _range_of(pred) is None and isinstance(pred, (ir.And, ir.Or)) and len(pred.preds) == 1:
            return self._qual(pred.preds[0], scope, neg, where)
        if isinstance(pred, ir.And) and _range_of(pred) is None:
            return self._and(pred, scope, neg, where)
        if isinstance(pred, ir.Or):
            return self._or(pred, scope, neg, where)
        return self._atom(pred, scope, neg)

    def _and(self, pred: ir.And, scope: _Scope, neg: bool, where: str) -> str:
        if not pred.preds:
            return self._const(not neg)
        if neg:
            inner = self._and(pred, scope, False, "inner")
            return f"except those {inner}" if where in ("top", "and", "list") else f"not ({inner})"
        flat = [q for p in pred.preds for q in (p.preds if isinstance(p, ir.And) and _range_of(p) is None else (p,))]
        parts = [(self._qual(p, scope, False, "list" if where == "top" else "inner"), _is_except(p))
                 for p in _merge_ranges(tuple(flat))]
        ordered = [text for text, late in parts if not late] + [text for text, late in parts if late]
        return ", ".join(ordered) if where == "top" else join(ordered, "and")

    def _or(self, pred: ir.Or, scope: _Scope, neg: bool, where: str) -> str:
        if not pred.preds:
            return self._const(neg)
        parts = [self._qual(p, scope, False, "or") for p in pred.preds]
        parts = [f"({p})" if _is_compound(q) else p for p, q in zip(parts, pred.preds, strict=True)]
        if neg:
            if len(parts) == 2:
                return f"neither {parts[0]} nor {parts[1]}"
            return f"except those {join(parts)}" if where in ("top", "and", "list") else f"not ({join(parts)})"
        text = join(parts)
        return f"either {text}" if where in ("list", "inner") else text

    def _const(self, value: bool) -> str:
        return "of any kind" if value else "that match nothing"

    # -- conditions ----------------------------------------------------------------------
    def _atom(self, pred: ir.Pred, scope: _Scope, neg: bool) -> str:
        rng = _range_of(pred)
        if rng is not None:
            value, low, high = rng
            return self._numeric(value, "range", (low, high), scope, neg)
        if isinstance(pred, ir.Const):
            return self._const(pred.value != neg)
        if isinstance(pred, ir.Percentile):
            percent = format(pred.percent.normalize(), "f")
            text = f"in the {pred.side} {percent}% by {self.noun(pred.value, scope)}"
            return f"not {text}" if neg else text
        if isinstance(pred, ir.TimeRange):
            return self._time(pred, scope, neg)
        if isinstance(pred, ir.IsNull):
            return self._null(pred.value, scope, neg)
        if isinstance(pred, ir.ListHas):
            return self._list(pred, scope, neg)
        if isinstance(pred, ir.TextMatch):
            verb = {"starts_with": ("starts with", "does not start with"),
                    "ends_with": ("ends with", "does not end with"),
                    "contains": ("contains", "does not contain")}[pred.kind][neg]
            return f'whose {self.noun(pred.value, scope)} {verb} "{pred.text}"'
        if isinstance(pred, ir.RegexMatch):
            verb = "does not match" if neg else "matches"
            return f'whose {self.noun(pred.value, scope)} {verb} the pattern "{pred.pattern}"'
        if isinstance(pred, ir.InSet):
            if pred.value.type.is_numeric:
                return self._numeric(pred.value, "in", pred.literals, scope, neg)
            return self._choice(pred.value, pred.literals, scope, neg)
        assert isinstance(pred, ir.Compare), f"unhandled {type(pred).__name__}"
        if pred.op == "!=":
            return self._atom(ir.Compare(pred.value, "=", pred.literal), scope, not neg)
        kind = pred.value.type.kind
        if kind == "bool" and isinstance(pred.literal.value, bool):
            return self._bool(pred.value, scope, neg != (pred.literal.value is False))
        if kind in ("string", "enum") and pred.op == "=":
            return self._choice(pred.value, (pred.literal,), scope, neg)
        return self._numeric(pred.value, pred.op, (pred.literal,), scope, neg)

    def _numeric(self, value: ir.Value, op: str, lits: tuple[ir.Lit, ...], scope: _Scope,
                 neg: bool) -> str:
        """Comparisons, ranges and in-lists of numbers: counts, sums, ages and other fields."""
        if isinstance(value, ir.Aggregation) and value not in self.traits:
            if value.func in ("count", "count_distinct", "sum"):  # never missing: flip exactly
                if neg and op in _FLIP:
                    op, neg = _FLIP[op], False
                if neg and op == "=" and lits[0].value == 0:
                    op, neg = ">", False
                text = self._total(value, op, lits)
                if not neg:
                    return text
                if text.startswith("with "):
                    return "without " + text[len("with "):]
                return "who did not spend " + text[len("who spent "):]
            amount = self._how_much(op, lits)
            return f"whose {self.noun(value, scope)} is {'not ' if neg else ''}{amount}"
        field = self._field(value, scope)
        name = field.name if field else ""
        if name == "age":
            bound = {">=": f"{lits[0].value} or over", ">": f"over {lits[0].value}",
                     "<=": f"{lits[0].value} or under", "<": f"under {lits[0].value}"}.get(op)
            text = "aged " + (bound or (f"{lits[0].value} to {lits[1].value}" if op == "range"
                                         else join([_number(lit.value) for lit in lits])))
            return f"not {text}" if neg else text
        noun = self.noun(value, scope)
        if noun.startswith("number of "):
            things = noun[len("number of "):]
            text = f"with {self._how_many(op, lits)} {things}"
        elif scope.pronoun == "that" and name in _MONEY:  # an order over 100
            text = {">": "over", "<": "under", ">=": "of at least", "<=": "of at most",
                    "=": "of", "range": "of", "in": "of"}[op] + " " + self._how_many(op, lits, bare=True)
            return f"not {text}" if neg else text
        else:
            text = f"with {noun} " + {">": "over", "<": "under", ">=": "of at least", "<=": "of at most",
                                      "=": "of", "range": "between", "in": "of"}[op] + " " + \
                self._how_many(op, lits, bare=True, between=True)
        return "without " + text[5:] if neg else text

    def _how_many(self, op: str, lits: tuple[ir.Lit, ...], bare: bool = False, between: bool = False) -> str:
        if op == "range":
            low, high = _number(lits[0].value), _number(lits[1].value)
            return f"{low} and {high}" if between else f"{low} to {high}"
        if op == "in":
            return join([_number(lit.value) for lit in lits])
        return _number(lits[0].value) if bare else _amount(op, _number(lits[0].value), fewer=True)

    def _how_much(self, op: str, lits: tuple[ir.Lit, ...]) -> str:
        if op == "range":
            return f"between {_number(lits[0].value)} and {_number(lits[1].value)}"
        if op == "in":
            return join([_number(lit.value) for lit in lits])
        return _amount(op, _number(lits[0].value))

    def _total(self, agg: ir.Aggregation, op: str, lits: tuple[ir.Lit, ...]) -> str:
        """count / count distinct / sum compared with numbers: 'with at least 3 orders …'."""
        if agg.func == "sum":
            field = self._row_field(agg)
            rows = self.rows(agg, many=True)
            if field is not None and field.name in _MONEY:
                return f"who spent {self._how_much(op, lits)} on {rows}"
            what = (field.description or _human(field.name)) if field else "value"
            return f"with a total {what} of {self._how_much(op, lits)} across {rows}"
        first = lits[0].value
        number = first if op not in ("range", "in") and isinstance(first, int) else None
        if (number == 0 and op == "=") or (number == 1 and op == "<"):
            quantity, many = "no", True
        elif (number == 0 and op == ">") or (number == 1 and op == ">="):
            quantity, many = "at least one", False
        else:
            quantity = self._how_many(op, lits)
            many = not (number == 1 and op in ("=", "<=", ">"))
            if number == 1:
                quantity = quantity.replace(" 1", " one")
        if agg.func == "count_distinct":
            field = self._row_field(agg)
            what = (field.description or _human(field.name)) if field else "value"
            what = plural(what) if many else what
            different = "" if quantity in ("no", "at least one") else "different "
            return f"with {self.rows(agg, many=True)} in {quantity} {different}{what}"
        return f"with {quantity} {self.rows(agg, many=many)}"

    def _bool(self, value: ir.Value, scope: _Scope, neg: bool) -> str:
        field = self._field(value, scope)
        name = field.name if field else str(getattr(value, "name", "true"))
        verb, rest = "are", _human(name)
        for prefix, word in (("is_", "are"), ("are_", "are"), ("has_", "have"), ("have_", "have"),
                             ("can_", "can")):
            if name.startswith(prefix):
                verb, rest = word, _human(name[len(prefix):])
        if field is not None and field.description:
            rest = field.description
        if neg:
            verb = {"are": "are not", "have": "do not have", "can": "cannot"}[verb]
        if not scope.plural:
            verb = {"are": "is", "are not": "is not", "have": "has", "do not have": "does not have"}.get(verb, verb)
        return f"{scope.pronoun} {verb} {rest}"

    def _choice(self, value: ir.Value, lits: tuple[ir.Lit, ...], scope: _Scope, neg: bool) -> str:
        """Equality and in-lists on text and enums: 'in the UK or Ireland', 'whose gender is female'."""
        field = self._field(value, scope)
        if field is not None and field.name in _PLACES and scope.pronoun == "who":
            codes = [str(lit.value) for lit in lits]
            if all(code in _COUNTRIES for code in codes):
                places = [_COUNTRIES[code] for code in codes]
            else:
                places = [_human(code) if field.type.kind == "enum" else code for code in codes]
            return f"outside {join(places, 'and')}" if neg else f"in {join(places)}"
        words = [self._literal(lit) for lit in lits]
        noun = self.noun(value, scope)
        if not neg:
            return f"whose {noun} is {join(words)}"
        if len(words) == 2:
            return f"whose {noun} is neither {words[0]} nor {words[1]}"
        return f"whose {noun} is not {join(words)}"

    def _null(self, value: ir.Value, scope: _Scope, neg: bool) -> str:
        noun = self.noun(value, scope)
        if isinstance(value, ir.Aggregation):
            return f"whose {noun} is {'known' if neg else 'unknown'}"
        article = "an" if noun[:1].lower() in tuple("aeiou") else "a"
        return f"with {article} {noun} on file" if neg else f"with no {noun} on file"

    def _list(self, pred: ir.ListHas, scope: _Scope, neg: bool) -> str:
        items = [self._literal(lit, quote=False) for lit in pred.literals]
        if pred.mode == "any" or len(items) == 1:
            listed = join(items)
        else:
            listed = f"both {items[0]} and {items[1]}" if len(items) == 2 else f"all of {join(items, 'and')}"
        field = self._field(pred.value, scope)
        if field is not None and field.name == "interests":
            return f"{'not ' if neg else ''}interested in {listed}"
        noun = self.noun(pred.value, scope)
        verb = ("do not include" if neg else "include") if noun.endswith("s") else (
            "does not include" if neg else "includes")
        return f"whose {noun} {verb} {listed}"

    def _time(self, pred: ir.TimeRange, scope: _Scope, neg: bool) -> str:
        span = when_as_of(pred.low, pred.high, self.as_of)
        value = pred.value
        if isinstance(value, ir.Aggregation) and value.func in ("min", "max") and value not in self.traits:
            return f"whose {self._extreme(value)} was {'not ' if neg else ''}{span}"
        field = self._field(value, scope)
        participle = _participle(field.name) if field else None
        if participle:
            return f"{'not ' if neg else ''}{participle} {span}"
        return f"whose {self.noun(value, scope)} is {'not ' if neg else ''}{span}"

    # -- nouns ---------------------------------------------------------------------------
    def noun(self, value: ir.Value, scope: _Scope | None = None) -> str:
        """What a value is called: 'yearly household income', 'spend on paid orders'."""
        if value in self.traits:
            return self.traits[value]
        if isinstance(value, ir.Aggregation):
            return self._aggregate_noun(value)
        field = self._field(value, scope or self.entity)
        if field is None:
            return _human(value.name)
        if field.name == "age":
            return "age"
        return field.description or _human(field.name)

    def _aggregate_noun(self, agg: ir.Aggregation) -> str:
        field = self._row_field(agg)
        what = (field.description or _human(field.name)) if field else ""
        rows = self.rows(agg, many=True)
        if agg.func == "count":
            return f"number of {rows}"
        if agg.func == "count_distinct":
            return f"number of different {plural(what)} across {rows}"
        if agg.func == "sum":
            return f"spend on {rows}" if field and field.name in _MONEY else f"total {what} of {rows}"
        if agg.func in ("min", "max") and agg.arg is not None and agg.arg.type.is_temporal:
            return f"{self._extreme(agg)} date"
        word = {"avg": "average", "min": "lowest", "max": "highest"}[agg.func]
        if agg.filter is None and agg.window is None:  # 'average order amount'
            return f"{word} {singular(_human(agg.relation.name))} {what}"
        return f"{word} {what} of {rows}"

    def _extreme(self, agg: ir.Aggregation) -> str:
        """'last order', 'first paid order' (min/max of the relation's time column)."""
        relation = self.schema.relations.get(agg.relation.name)
        field = self._row_field(agg)
        is_time = relation is not None and field is not None and field.name == relation.time
        first, last = ("first", "last") if is_time else ("earliest", "latest")
        word = first if agg.func == "min" else last
        row = self.rows(agg, many=False)
        return f"{word} {row}" if is_time or field is None else f"{word} {row} {_human(field.name)}"

    def rows(self, agg: ir.Aggregation, many: bool) -> str:
        """The related rows an aggregate looks at: 'paid orders over 100 in the last 30 days'."""
        noun = _human(agg.relation.name)
        noun = noun if many else singular(noun)
        relation = self.schema.relations.get(agg.relation.name)
        scope = _Scope({f.column: f for f in relation.fields.values()} if relation else {}, "that", many)
        adjectives: list[str] = []
        after: list[str] = []
        filters = agg.filter.preds if isinstance(agg.filter, ir.And) and _range_of(agg.filter) is None \
            else (agg.filter,) if agg.filter is not None else ()
        for part in filters:
            if isinstance(part, (ir.Compare, ir.InSet)) and part.value.type.kind == "enum" and (
                    isinstance(part, ir.InSet) or part.op == "="):
                lits = part.literals if isinstance(part, ir.InSet) else (part.literal,)
                adjectives.append(join([_human(str(lit.value)) for lit in lits]))
            else:
                after.append(self._qual(part, scope, False, "inner"))
        text = " ".join([*adjectives, noun])
        if after:
            text += " " + " and ".join(after)
        if agg.window is not None:
            text += " " + when_as_of(agg.window.low, agg.window.high, self.as_of)
        return text

    def _field(self, value: ir.Value, scope: _Scope) -> Field | None:
        if isinstance(value, (ir.Column, ir.RowColumn)):
            return scope.fields.get(value.name)
        return None

    def _row_field(self, agg: ir.Aggregation) -> Field | None:
        relation = self.schema.relations.get(agg.relation.name)
        if relation is None or agg.arg is None:
            return None
        return next((f for f in relation.fields.values() if f.column == agg.arg.name), None)

    def _literal(self, lit: ir.Lit, quote: bool = True) -> str:
        value = lit.value
        if lit.type.kind == "enum":
            return _human(str(value))
        if isinstance(value, str):
            return f'"{value}"' if quote else value
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, dt.date):
            return _day(value)
        return _number(value)


def _participle(name: str) -> str | None:
    """signup_date → 'signed up', last_seen_at → 'last seen', created_at → 'created'; else None."""
    for suffix in ("_at", "_date", "_on", "_time", "_ts", "_timestamp", "_day"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        stem = name
    words = stem.split("_")
    for size in (2, 1):
        key = "_".join(words[-size:])
        if key in _PARTICIPLES:
            return " ".join([*words[:-size], _PARTICIPLES[key]])
    last = words[-1]
    if last.endswith("ed") or last in _IRREGULAR:
        return " ".join(words)
    return None


def _merge_ranges(preds: tuple[ir.Pred, ...]) -> list[ir.Pred]:
    """``x >= a and … and x <= b`` written apart reads as one range."""
    out = list(preds)
    for i, low in enumerate(out):
        if isinstance(low, ir.Compare) and low.op == ">=":
            for j, high in enumerate(out):
                if isinstance(high, ir.Compare) and high.op == "<=" and high.value == low.value and j != i:
                    out[i] = ir.And((low, high))
                    del out[j]
                    return _merge_ranges(tuple(out))
    return out


def _is_compound(pred: ir.Pred) -> bool:
    while isinstance(pred, ir.Not):
        pred = pred.pred
    return isinstance(pred, ir.And) and _range_of(pred) is None and len(pred.preds) > 1


def _is_except(pred: ir.Pred) -> bool:
    """Negated groups read as 'except those …' and go last, so the list stays unambiguous."""
    if not isinstance(pred, ir.Not):
        return False
    inner = pred.pred
    return (isinstance(inner, ir.And) and _range_of(inner) is None and len(inner.preds) > 1) or (
        isinstance(inner, ir.Or) and len(inner.preds) > 2)


def trait_nouns(schema: Schema) -> dict[object, str]:
    """Value traits with a ``description:`` (their IR → the description), for naming them."""
    described = {name: t.description for name, t in schema.traits.items() if t.description}
    if not described:
        return {}
    from segdsl.checker import Checker

    checker = Checker(schema)
    found: dict[object, str] = {}
    for name, text in described.items():
        value = checker.trait(name)
        if isinstance(value, ir.Aggregation) and text:
            found[value] = text
    return found


def describe_segment(segment: ir.Segment, schema: Schema, describer: Describer | None = None) -> str:
    """The segment as a sentence: 'Customers aged 25 to 40, in the UK or Ireland.'"""
    text = (describer or Describer(schema)).sentence(segment.pred)
    return text[:1].upper() + text[1:] + "."
