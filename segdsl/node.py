"""Immutable record classes that cost almost nothing to define.

The syntax tree, the IR, the schema and the diagnostics are ~70 small frozen records.
``@dataclass(frozen=True, slots=True)`` costs about half a millisecond per class at import
(it ``exec``s six generated methods and builds every slotted class twice), which made up a
third of segdsl's own start-up, and ``segdsl check`` is run by editors and CI on every save.

A subclass of :class:`Node` only declares annotated fields (optionally with defaults) and
gets what those dataclasses gave: a positional-or-keyword constructor, equality and hashing
by value (only between instances of the same class), a readable ``repr``, ``__slots__``,
and no attribute assignment after construction. Type checkers see it as a frozen
dataclass (PEP 681).
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar, TypeVar

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - Python 3.10: the decorator only informs type checkers
    def dataclass_transform(**_: Any) -> Any:
        return lambda cls: cls

_set = object.__setattr__
N = TypeVar("N", bound="Node")


@dataclass_transform(eq_default=True, frozen_default=True)
class _NodeMeta(type):
    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _NodeMeta:
        own = tuple(field_name for field_name, annotation in namespace.get("__annotations__", {}).items()
                    if not str(annotation).startswith(("ClassVar", "typing.ClassVar")))
        inherited: tuple[str, ...] = ()
        defaults: dict[str, Any] = {}
        for base in bases:
            inherited += getattr(base, "_fields", ())
            defaults.update(getattr(base, "_defaults", {}))
        for field_name in own:
            if field_name in namespace:  # a default: slots and class attributes cannot share a name
                defaults[field_name] = namespace.pop(field_name)
        namespace["__slots__"] = tuple(namespace.get("__slots__", ())) + own
        namespace["_fields"] = inherited + own
        namespace["_defaults"] = defaults
        return super().__new__(mcls, name, bases, namespace)


class Node(metaclass=_NodeMeta):
    """Base of frozen, slotted, value-compared records (see the module docstring)."""

    __slots__ = ("_hash",)  # computed on first use: IR nodes are dict keys, and trees are deep
    _fields: ClassVar[tuple[str, ...]]
    _defaults: ClassVar[dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Generic (slower) construction for the first few instances of a class, then the class
        # gets its own compiled __init__ (as fast as a dataclass's). A short run such as
        # ``segdsl check one.seg`` builds most classes a handful of times and compiles none;
        # a long one compiles those it builds often.
        cls = type(self)
        built = _built.get(cls, 0) + 1
        if built < _COMPILE_AFTER:
            _built[cls] = built
            _init_generic(self, cls, args, kwargs)
            return
        cls.__init__ = _compile_init(cls)  # type: ignore[method-assign]
        cls.__init__(self, *args, **kwargs)

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        try:
            return self._hash  # type: ignore[attr-defined,no-any-return]
        except AttributeError:
            value = hash((self.__class__, self._values()))
            _set(self, "_hash", value)
            return value

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use segdsl.node.replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())


_COMPILE_AFTER = 16
_built: dict[type, int] = {}
_MISSING = object()


def _init_generic(node: Node, cls: type[Node], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    fields = cls._fields
    if len(args) > len(fields):
        raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments but {len(args)} were given")
    for name, value in zip(fields, args, strict=False):  # the rest may come by keyword
        _set(node, name, value)
    if len(args) == len(fields) and not kwargs:
        return
    for name in fields[len(args):]:
        value = kwargs.pop(name, _MISSING)
        if value is _MISSING:
            value = cls._defaults.get(name, _MISSING)
            if value is _MISSING:
                raise TypeError(f"{cls.__name__}() is missing the argument '{name}'")
        _set(node, name, value)
    if kwargs:
        raise TypeError(f"{cls.__name__}() got an unexpected keyword argument '{next(iter(kwargs))}'")


def _compile_init(cls: type[Node]) -> Any:
    """Source of ``__init__`` for a node class, compiled once per class."""
    params = [f"{name}=_d[{name!r}]" if name in cls._defaults else name for name in cls._fields]
    body = "".join(f"    _set(self, {name!r}, {name})\n" for name in cls._fields) or "    pass\n"
    source = f"def __init__(self, {', '.join(params)}):\n{body}"
    namespace: dict[str, Any] = {"_set": _set, "_d": cls._defaults}
    exec(source, namespace)  # generated from the class's own field names, nothing else
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def fields(node: Node) -> tuple[str, ...]:
    """The field names of a node, in declaration order."""
    return node._fields


def replace(node: N, **changes: Any) -> N:
    """A copy of ``node`` with some fields changed (like ``dataclasses.replace``)."""
    values = {name: getattr(node, name) for name in node._fields}
    values.update(changes)
    return type(node)(**values)
