"""Querysets whose SQL is compiled once per process, not on every request (ADR 16).

Building and compiling a queryset costs 0.3 to 0.8 ms of CPU whatever rows it returns, so a page of fifteen small
queries spends more on writing its SQL than on reading its rows. `@compiled` takes a function that builds a
queryset from keys, dates, texts and tuples of texts, compiles it once per database (and length of each tuple)
with stand-ins for those arguments, and then only puts each call's arguments into the stored statement:

    @compiled
    def boards_of(ics_id: int, day: datetime.date):
        return Board.objects.as_at(day).filter(ics=ics_id).order_by(Lower("name"))

The function must build the same statement whatever its arguments (no `if` on them) and use each argument as a
parameter as it is. It is compiled with two sets of stand-ins: a difference in the SQL, a parameter that is
neither a constant nor a stand-in, or a prefetch built from an argument is refused at once. The queryset returned
reads its rows like any other (the router, select_related, prefetch_related) but cannot be refined: `.filter()`
and the like raise, rather than silently compile again.
"""

import copy
import datetime
import functools
import typing

from django.db import connections
from django.db.models.sql.query import Query


def _stand_in(kind, index, side, position=0):
    """A value no real argument takes, for argument `index` in compilation `side` (0 or 1). The two sides differ
    in sign, parity and era, so a function that branches on its argument builds different SQL for them."""
    if kind is int:
        return -7_000_001 - 2 * index if side == 0 else 9_000_000_000_000 + 2 * index
    if kind is datetime.date:
        return datetime.date(1111 if side == 0 else 8888, 1, 1) + datetime.timedelta(days=index)
    return f"\ue000{index}.{position}.{side}"  # a text, or an element of a tuple of texts


def _kind(hint):
    return tuple if typing.get_origin(hint) is tuple else hint


class _Statement:
    """A compiled statement: its compiler, and for each parameter where it comes from (None: a constant)."""

    def __init__(self, compiler, sql, params, sources):
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.sources = sources  # (argument index, tuple position or None, passed as text)

    def bound(self, args, connection):
        """The stored compiler with `args` in place, on `connection`: this thread's (a connection is not shared
        between threads, and the statement may have been compiled on another's)."""
        params = tuple(
            value if source is None else _argument(args, *source)
            for value, source in zip(self.params, self.sources, strict=True)
        )
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        sql = self.sql
        compiler.as_sql = lambda *_, **__: (sql, params)
        return compiler


def _argument(args, index, position, as_text):
    value = args[index] if position is None else args[index][position]
    return str(value) if as_text else value


class _BoundQuery(Query):
    """A stand-in query whose compiler is a stored statement with one call's arguments."""

    binding: tuple  # (CompiledQueryset, args)

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiled_queryset, args = self.binding
        connection = connection or connections[using]
        return compiled_queryset.statement(connection.alias, args).bound(args, connection)

    def clone(self):
        raise TypeError("A @compiled queryset cannot be refined: build the refinement into its function.")


class CompiledQueryset:
    def __init__(self, build):
        self.build = build
        hints = typing.get_type_hints(build)
        self.kinds = tuple(_kind(hints[name]) for name in build.__code__.co_varnames[: build.__code__.co_argcount])
        self._built = {}
        self._statements = {}

    def __call__(self, *args):
        self._check(args)
        queryset = self._templates(args)[0]._chain()
        queryset.query.__class__ = _BoundQuery
        queryset.query.binding = (self, args)
        return queryset

    def statement(self, alias, args) -> _Statement:
        key = (alias, self._shape(args))
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = self._compile(alias, args)
        return statement

    def _check(self, args):
        if len(args) != len(self.kinds) or not all(
            isinstance(arg, kind) and (kind is not tuple or all(isinstance(v, str) for v in arg))
            for arg, kind in zip(args, self.kinds, strict=True)
        ):
            raise TypeError(f"{self.build.__name__}() takes {', '.join(k.__name__ for k in self.kinds)}")

    def _shape(self, args):
        return tuple(len(arg) if isinstance(arg, tuple) else None for arg in args)

    def _stand_ins(self, args, side):
        return [
            tuple(_stand_in(str, i, side, p) for p in range(len(arg))) if kind is tuple else _stand_in(kind, i, side)
            for i, (arg, kind) in enumerate(zip(args, self.kinds, strict=True))
        ]

    def _templates(self, args):
        """The queryset built with each set of stand-ins, for arguments of this shape (built on first use)."""
        shape = self._shape(args)
        templates = self._built.get(shape)
        if templates is None:
            templates = self._built[shape] = [self.build(*self._stand_ins(args, side)) for side in (0, 1)]
        return templates

    def _compile(self, alias, args):
        templates = self._templates(args)
        compilers = [template.query.get_compiler(using=alias) for template in templates]
        (sql, params), (other_sql, other_params) = (compiler.as_sql() for compiler in compilers)
        name = self.build.__name__
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError(f"{name}() builds different SQL for different arguments")
        stand_ins = [self._stand_ins(args, side) for side in (0, 1)]
        sources = [self._source(a, b, stand_ins) for a, b in zip(params, other_params, strict=True)]
        one, other = (t._prefetch_related_lookups for t in templates)
        for a, b in zip(one, other, strict=True):
            if getattr(a, "queryset", None) is not None and str(a.queryset.query) != str(b.queryset.query):
                raise ValueError(f"{name}() prefetches with an argument: give that query a function of its own")
        if {source[0] for source in sources if source} != {i for i, arg in enumerate(args) if arg != ()}:
            raise ValueError(f"{name}() does not use each argument as a parameter")
        return _Statement(compilers[0], sql, params, sources)

    def _source(self, a, b, stand_ins):
        if a == b:
            return None
        for index, (one, other) in enumerate(zip(*stand_ins, strict=True)):
            pairs = zip(one, other, strict=True) if isinstance(one, tuple) else [(one, other)]
            for position, (x, y) in enumerate(pairs):
                place = position if isinstance(one, tuple) else None
                if (a, b) == (x, y):
                    return (index, place, False)
                if (a, b) == (str(x), str(y)):  # SQLite is given dates as text
                    return (index, place, True)
        raise ValueError(f"{self.build.__name__}() passes an argument on changed ({a!r}): it would not be replaced")


def compiled(build):
    """Decorator: the queryset `build(*args)` builds, compiled once per database (see the module's docstring)."""
    return functools.wraps(build)(CompiledQueryset(build))
