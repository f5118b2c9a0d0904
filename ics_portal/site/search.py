"""Site search across ICSs, places, organisations, boards, people and published MoUs.

On PostgreSQL it uses full-text search (English stemming, `websearch` syntax, so
"leeds council" and "councils" both find "Leeds City Council") plus a
case-insensitive match on names and an exact match on ODS codes, so partial words
and codes are found too. On SQLite (the quick start) it falls back to
`icontains`. Each kind costs exactly one query: its matches, ranked, with the
total number of matches attached to every row by a window function.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, Value, When, Window
from django.utils import timezone

from governance.models import Board, MoU, Person
from partners.models import Organisation
from places.models import IntegratedCareSystem, Place

MAX_QUERY_LENGTH = 200
GROUP_LIMIT = 10  # hits shown per kind when every kind is shown
KIND_LIMIT = 200  # hits shown when one kind is asked for


@dataclass(frozen=True)
class Hit:
    """One search result, ready for the template and the CSV."""

    kind: str
    title: str
    url: str
    detail: str
    is_sample: bool = False
    has_ended: bool = False


@dataclass
class Group:
    kind: str
    label: str
    total: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.total > len(self.hits)


def _ended(obj) -> bool:
    end = getattr(obj, "end_date", None)
    return end is not None and end < timezone.localdate()


def _join(*parts) -> str:
    return " · ".join(str(p) for p in parts if p)


@dataclass(frozen=True)
class Kind:
    """How to search one model: its fields, its queryset and how a row becomes a Hit."""

    key: str
    label: str
    queryset: Callable
    text_fields: tuple[str, ...]
    name_field: str
    code_field: str | None
    order: tuple[str, ...]
    detail: Callable

    def hit(self, obj) -> Hit:
        return Hit(
            kind=self.key,
            title=str(obj),
            url=obj.get_absolute_url(),
            detail=self.detail(obj),
            is_sample=obj.is_sample,
            has_ended=_ended(obj),
        )


KINDS = (
    Kind(
        key="ics",
        label="Integrated care systems",
        queryset=lambda: IntegratedCareSystem.objects.all(),
        text_fields=("name", "short_name", "description"),
        name_field="name",
        code_field="icb_ods_code",
        order=("short_name",),
        detail=lambda o: _join(o.name, o.get_region_display(), o.icb_ods_code and f"ICB ODS code {o.icb_ods_code}"),
    ),
    Kind(
        key="place",
        label="Places",
        queryset=lambda: Place.objects.all(),
        text_fields=("name", "districts"),
        name_field="name",
        code_field="ods_code",
        order=("name",),
        detail=lambda o: _join("Place", o.districts.replace(";", ", "), o.ods_code),
    ),
    Kind(
        key="organisation",
        label="Organisations",
        queryset=lambda: Organisation.objects.all(),
        text_fields=("name",),
        name_field="name",
        code_field="ods_code",
        order=("name",),
        detail=lambda o: _join(o.get_kind_display(), o.ods_code and f"ODS code {o.ods_code}"),
    ),
    Kind(
        key="board",
        label="Boards and committees",
        queryset=lambda: Board.objects.select_related("ics", "place"),
        text_fields=("name",),
        name_field="name",
        code_field=None,
        order=("name",),
        detail=lambda o: _join(o.get_kind_display(), o.place.name if o.place_id else None, o.ics.short_name),
    ),
    Kind(
        key="person",
        label="People",
        queryset=lambda: Person.objects.all(),
        text_fields=("name", "title"),
        name_field="name",
        code_field=None,
        order=("name",),
        detail=lambda o: o.title,
    ),
    Kind(
        key="mou",
        label="Memoranda of understanding",
        queryset=lambda: MoU.objects.published().select_related("ics", "place"),
        text_fields=("title", "summary"),
        name_field="title",
        code_field=None,
        order=("title",),
        detail=lambda o: _join(o.get_status_display(), o.version and f"version {o.version}", o.ics.short_name),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def clean_query(raw: str | None) -> str:
    """Whitespace collapsed, control characters (PostgreSQL refuses NUL) dropped, length capped."""
    text = "".join(char for char in (raw or "") if char.isprintable() or char.isspace())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def matching(kind: Kind, query: str):
    """The ranked queryset of `kind` matching `query`, each row annotated with the total count."""
    qs = kind.queryset()
    code_match = Q(**{f"{kind.code_field}__iexact": query}) if kind.code_field else Q(pk__in=[])
    # An exact code match is what someone typing "RR8" wants first.
    exact = (
        Case(When(code_match, then=Value(1)), default=Value(0), output_field=IntegerField())
        if kind.code_field
        else Value(0, output_field=IntegerField())
    )
    if connection.vendor == "postgresql":
        vector = SearchVector(*kind.text_fields, config="english")
        search_query = SearchQuery(query, search_type="websearch", config="english")
        qs = qs.annotate(search=vector).filter(
            Q(search=search_query) | Q(**{f"{kind.name_field}__icontains": query}) | code_match
        )
        qs = qs.annotate(rank=SearchRank(vector, search_query))
    else:
        words = Q()
        for word in query.split():
            words &= Q(*[Q(**{f"{f}__icontains": word}) for f in kind.text_fields], _connector=Q.OR)
        qs = qs.filter(words | code_match).annotate(rank=Value(0.0, output_field=FloatField()))
    return qs.annotate(exact=exact, total=Window(Count("pk"))).order_by("-exact", F("rank").desc(), *kind.order)


def search(raw_query: str | None, *, kind: str | None = None) -> list[Group]:
    """Groups of hits for `raw_query`, one query per kind searched; empty for an empty query."""
    query = clean_query(raw_query)
    if not query:
        return []
    kinds = [KINDS_BY_KEY[kind]] if kind in KINDS_BY_KEY else KINDS
    limit = KIND_LIMIT if kind in KINDS_BY_KEY else GROUP_LIMIT
    groups = []
    for k in kinds:
        rows = list(matching(k, query)[:limit])
        total = rows[0].total if rows else 0
        groups.append(Group(kind=k.key, label=k.label, total=total, hits=[k.hit(r) for r in rows]))
    return groups
