"""Site search across ICSs, places, organisations, boards, people and published MoUs.

On PostgreSQL it uses full-text search (English stemming, `websearch` syntax, so
"leeds council" and "councils" both find "Leeds City Council") plus a
case-insensitive match on names and an exact match on ODS codes, so partial words
and codes are found too. On SQLite (the quick start) it falls back to
`icontains`. Each kind costs exactly one query: its matches, ranked, with the
total number of matches attached to every row by a window function (places add one
for their memberships, to say which ICS each is in today and was in before).

ICSs are also found by an old name (a stage's `name_then`, "Frimley Health and Care") and
places by a district in them ("Harlow"): both tables are small (tens of ICSs, about a
hundred places), so a plain `icontains` on them costs nothing an index would save.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.formats import date_format

from governance.models import Board, MoU, Person
from partners.models import Organisation
from places.models import IcsStage, IntegratedCareSystem, Place, PlaceMembership

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


def _day(day) -> str:
    return date_format(day, "j F Y")


def _ics_detail(ics) -> str:
    ended = f"Abolished: its last day was {_day(ics.end_date)}" if ics.end_date else ""
    return _join(ics.name, ended, ics.get_region_display(), ics.icb_ods_code and f"ICB ODS code {ics.icb_ods_code}")


def _ics_by_old_name(query: str) -> Q:
    return Q(Exists(IcsStage.objects.filter(ics=OuterRef("pk"), name_then__icontains=query)))


def _place_detail(place) -> str:
    """The place's districts and code, and which ICS it is in today and was in before (memberships prefetched)."""
    today = timezone.localdate()
    memberships = list(place.memberships.all())
    now = next((m for m in memberships if m.is_current_on(today)), None)
    before = [m for m in memberships if m.end_date is not None and m.end_date < today]
    where = f"In {now.ics.short_name} today" if now else "In no ICS today"
    if before:
        where += "; before in " + ", ".join(f"{m.ics.short_name} until {_day(m.end_date)}" for m in before)
    return _join("Place", place.districts.replace(";", ", "), place.ods_code, where)


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
    also_matching: Callable[[str], Q] | None = None  # further matches beyond the text fields and the code

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
        detail=_ics_detail,
        also_matching=_ics_by_old_name,
    ),
    Kind(
        key="place",
        label="Places",
        queryset=lambda: Place.objects.prefetch_related(
            Prefetch("memberships", queryset=PlaceMembership.objects.select_related("ics").order_by("start_date"))
        ),
        text_fields=("name", "districts"),
        name_field="name",
        code_field="ods_code",
        order=("name",),
        detail=_place_detail,
        also_matching=lambda query: Q(districts__icontains=query),
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
    also = kind.also_matching(query) if kind.also_matching else Q(pk__in=[])
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
            Q(search=search_query) | Q(**{f"{kind.name_field}__icontains": query}) | code_match | also
        )
        qs = qs.annotate(rank=SearchRank(vector, search_query))
    else:
        words = Q()
        for word in query.split():
            words &= Q(*[Q(**{f"{f}__icontains": word}) for f in kind.text_fields], _connector=Q.OR)
        qs = qs.filter(words | code_match | also).annotate(rank=Value(0.0, output_field=FloatField()))
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
