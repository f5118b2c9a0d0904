"""Site search across ICSs, places, organisations, boards, people, published MoUs, meeting items and papers.

On PostgreSQL it uses full-text search (English stemming, `websearch` syntax, so
"leeds council" and "councils" both find "Leeds City Council", and "savings" finds the
decision "Savings programme endorsed") plus a case-insensitive match on names and an
exact match on ODS codes, so partial words and codes are found too. On SQLite (the
quick start) it falls back to `icontains`. One statement ranks every kind's matches
(their keys, with the total number of matches attached by a window function), compiled
once for each shape of query and reused with the query's text as its parameters (ADR 15);
then one query a kind reads the rows shown (places add one for their memberships, to say
which ICS each is in today and was in before).

ICSs are also found by an old name (a stage's `name_then`, "Frimley Health and Care"),
organisations by a name they had ("Somerset County Council"), and places by a district in
them ("Harlow"), a district being a place's everyday name (the place named as its 2021 CCG,
Kernow, is found as "Cornwall"): these tables are small (tens of ICSs and organisation
names, about a hundred places), so a plain `icontains` on them costs nothing an index would
save.

Meeting items and papers follow the publication rules of the meeting page: an item is
found once its meeting's agenda is published, by its title (a confidential item's title
is public); by its minutes and resolutions only once the meeting's minutes are published,
and never for a confidential item. Papers are `Document.objects.public()`.

Steering words name a kind of result ("Wirral place", "Leeds board", "decisions",
`STEERING_WORDS`): they put that kind first and are left out of the words that must
match, so they never block a result. A query of steering words only ("ICB") is searched
as typed, and still steers. Words that are also part of many names ("council", "trust",
"CCG", "partnership", "system") do not steer: the full-text match already finds them.

Ranking, within a kind and across kinds (`_tier`): an exact name or ODS code first, then
an exact other name (a district, an old ICS name), then a name or other name starting
with the query as typed ("Wirral place…"), then one starting with its words ("Wirral…"),
then a name containing the query as typed, then the full-text rank (a word in a name
weighs more than one in a description or minutes). The page shows first the kinds the query steers to,
then the kind whose best hit ranks best.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections, router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from governance.models import AgendaItem, Board, Document, MoU, Person
from partners.models import Organisation, OrganisationName
from places.models import IcsStage, IntegratedCareSystem, Place, PlaceMembership

MAX_QUERY_LENGTH = 200
GROUP_LIMIT = 10  # hits shown per kind when every kind is shown
KIND_LIMIT = 200  # hits shown when one kind is asked for
MINUTES_SHOWN = 200  # characters of an item's minutes shown under it

STEERING_WORDS = {
    **dict.fromkeys(("ics", "icss", "icb", "icbs"), "ics"),
    **dict.fromkeys(("place", "places"), "place"),
    **dict.fromkeys(("partner", "partners", "organisation", "organisations"), "organisation"),
    **dict.fromkeys(("board", "boards", "committee", "committees"), "board"),
    **dict.fromkeys(("person", "people"), "person"),
    **dict.fromkeys(("mou", "mous"), "mou"),
    **dict.fromkeys(("decision", "decisions", "resolution", "resolutions", "minutes"), "decision"),
    **dict.fromkeys(("paper", "papers"), "paper"),
}

# How well a row's names match the query (`tier`), best first.
EXACT_NAME, EXACT_OTHER_NAME, NAME_STARTS_AS_TYPED, NAME_STARTS, NAME_CONTAINS, WORDS_ONLY = 5, 4, 3, 2, 1, 0


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
    best_tier: int = WORDS_ONLY
    best_rank: float = 0.0

    @property
    def has_more(self) -> bool:
        return self.total > len(self.hits)


@dataclass(frozen=True)
class Query:
    """What was typed, the words that must match (steering words left out) and the kinds they steer to."""

    typed: str
    words: str
    steers_to: frozenset[str]


def _ended(obj) -> bool:
    end = getattr(obj, "end_date", None)
    return end is not None and end < timezone.localdate()


def _join(*parts) -> str:
    return " · ".join(str(p) for p in parts if p)


def _day(day) -> str:
    return date_format(day, "j F Y")


def _nothing() -> Q:
    return Q(pk__in=[])


def _ics_detail(ics) -> str:
    ended = f"Abolished: its last day was {_day(ics.end_date)}" if ics.end_date else ""
    return _join(ics.name, ended, ics.get_region_display(), ics.icb_ods_code and f"ICB ODS code {ics.icb_ods_code}")


def _ics_old_names(lookup: str, query: str) -> Q:
    return Q(Exists(IcsStage.objects.filter(ics=OuterRef("pk"), **{f"name_then__{lookup}": query})))


class _AnyOf(Func):
    """`value = ANY(array)`, true where the value is in the array (PostgreSQL)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        value, array = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"{value[0]} = ANY({array[0]})", (*value[1], *array[1])


def _organisation_old_names(lookup: str, query: str) -> Q:
    named = OrganisationName.objects.filter(**{f"name__{lookup}": query}).values("organisation_id")
    if connection.vendor != "postgresql":
        return Q(pk__in=named)
    # id = ANY(ARRAY(…)): the few names are read once and their organisations by key, so PostgreSQL still
    # combines the other matches' indexes (an EXISTS or IN would have it read every organisation).
    return Q(_AnyOf(F("pk"), ArraySubquery(named)))


def _place_district(query: str) -> Q:
    """One of the place's districts is `query` (they are separated by semicolons)."""
    return (
        Q(districts__iexact=query)
        | Q(districts__istartswith=f"{query};")
        | Q(districts__iendswith=f";{query}")
        | Q(districts__icontains=f";{query};")
    )


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


def _minutes_public() -> Q:
    return Q(is_confidential=False, minutes_published=True)


def _item_detail(item) -> str:
    public = item.drafts_are_public() and not item.is_confidential
    decided = [line.strip() for line in item.resolutions.splitlines() if line.strip()] if public else []
    if decided:
        said = "Decided: " + " ".join(line if line.endswith(".") else f"{line}." for line in decided)
    elif public and item.minutes:
        said = "Minutes: " + Truncator(" ".join(item.minutes.split())).chars(MINUTES_SHOWN)
    else:
        said = "Confidential (part 2): taken in private" if item.is_confidential else ""
    return _join(item.meeting, item.get_kind_display(), said)


def _paper_detail(document) -> str:
    where = document.meeting or document.board or document.mou
    return _join(document.get_kind_display(), where)


@dataclass(frozen=True)
class Kind:
    """How to search one model: its fields, its queryset and how a row becomes a Hit."""

    key: str
    label: str
    queryset: Callable
    text_fields: tuple[str, ...]  # as the model's full-text index has them, so the index is used
    name_fields: tuple[str, ...]  # also in text_fields; the first is matched by `icontains` too
    code_field: str | None
    order: tuple
    detail: Callable
    other_names: Callable[[str, str], Q] | None = None  # (lookup, query): a district, an old name
    url: Callable = lambda obj: obj.get_absolute_url()
    # Text fields searched only in rows where `guard()` holds (an item's minutes once published).
    guarded_fields: tuple[str, ...] = ()
    guard: Callable[[], Q] = lambda: Q()

    def hit(self, obj) -> Hit:
        return Hit(
            kind=self.key,
            title=str(obj),
            url=self.url(obj),
            detail=self.detail(obj),
            is_sample=obj.is_sample,
            has_ended=_ended(obj),
        )

    def names(self, lookup: str, query: str) -> Q:
        return Q(*[Q(**{f"{name}__{lookup}": query}) for name in self.name_fields], _connector=Q.OR)

    def other_name(self, lookup: str, query: str) -> Q:
        return self.other_names(lookup, query) if self.other_names else _nothing()

    def code(self, query: str) -> Q:
        return Q(**{f"{self.code_field}__iexact": query}) if self.code_field else _nothing()


KINDS = (
    Kind(
        key="ics",
        label="Integrated care systems",
        queryset=lambda: IntegratedCareSystem.objects.all(),
        text_fields=("name", "short_name", "description"),
        name_fields=("name", "short_name"),
        code_field="icb_ods_code",
        order=("short_name",),
        detail=_ics_detail,
        other_names=_ics_old_names,
    ),
    Kind(
        key="place",
        label="Places",
        queryset=lambda: Place.objects.prefetch_related(
            Prefetch("memberships", queryset=PlaceMembership.objects.select_related("ics").order_by("start_date"))
        ),
        text_fields=("name", "districts"),
        name_fields=("name",),
        code_field="ods_code",
        order=("name",),
        detail=_place_detail,
        other_names=lambda lookup, query: (
            _place_district(query) if lookup == "iexact" else Q(**{f"districts__{lookup}": query})
        ),
    ),
    Kind(
        key="organisation",
        label="Organisations",
        queryset=lambda: Organisation.objects.all(),
        text_fields=("name",),
        name_fields=("name",),
        code_field="ods_code",
        order=("name",),
        detail=lambda o: _join(o.get_kind_display(), o.ods_code and f"ODS code {o.ods_code}"),
        other_names=_organisation_old_names,
    ),
    Kind(
        key="board",
        label="Boards and committees",
        queryset=lambda: Board.objects.select_related("ics", "place"),
        text_fields=("name", "terms_of_reference"),
        name_fields=("name",),
        code_field=None,
        order=("name",),
        detail=lambda o: _join(o.get_kind_display(), o.place.name if o.place_id else None, o.ics.short_name),
    ),
    Kind(
        key="person",
        label="People",
        queryset=lambda: Person.objects.all(),
        text_fields=("name", "title"),
        name_fields=("name",),
        code_field=None,
        order=("name",),
        detail=lambda o: o.title,
    ),
    Kind(
        key="mou",
        label="Memoranda of understanding",
        queryset=lambda: MoU.objects.published().select_related("ics", "place"),
        text_fields=("title", "summary"),
        name_fields=("title",),
        code_field=None,
        order=("title",),
        detail=lambda o: _join(o.get_status_display(), o.version and f"version {o.version}", o.ics.short_name),
    ),
    Kind(
        key="decision",
        label="Decisions, minutes and agenda items",
        # A confidential item's title is public once the agenda is; its minutes and resolutions never are.
        # The item's copies of its meeting's start and publication: ~5,000 matches are not joined to their meetings.
        queryset=lambda: AgendaItem.objects.filter(agenda_published=True).select_related("meeting__board"),
        text_fields=("title", "minutes", "resolutions"),
        name_fields=("title",),
        code_field=None,
        order=(F("meeting_starts_at").desc(nulls_last=True), "position"),
        detail=_item_detail,
        url=lambda item: f"{item.meeting.get_absolute_url()}#item-{item.pk}",
        guarded_fields=("minutes", "resolutions"),
        guard=_minutes_public,
    ),
    Kind(
        key="paper",
        label="Papers",
        queryset=lambda: Document.objects.public().select_related("meeting__board", "board", "mou"),
        text_fields=("title",),
        name_fields=("title",),
        code_field=None,
        order=(F("meeting__starts_at").desc(nulls_last=True), "title"),
        detail=_paper_detail,
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def clean_query(raw: str | None) -> str:
    """Whitespace collapsed, control characters (PostgreSQL refuses NUL) dropped, length capped."""
    text = "".join(char for char in (raw or "") if char.isprintable() or char.isspace())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parse(query: str) -> Query:
    """The steering words taken out of `query`, unless nothing else is left."""
    words = query.split()
    steers = [_steering(word) for word in words]
    rest = [word for word, kind in zip(words, steers, strict=True) if kind is None]
    return Query(typed=query, words=" ".join(rest) or query, steers_to=frozenset(filter(None, steers)))


def _steering(word: str) -> str | None:
    """The kind `word` steers to ("Place," too), or None."""
    return STEERING_WORDS.get(word.lower().rstrip(".,;:!?"))


def _tier(kind: Kind, query: Query) -> Case:
    """How well the row's names match (EXACT_NAME … WORDS_ONLY)."""
    words, typed = query.words, query.typed
    exact = kind.names("iexact", typed) | kind.code(words)
    starts = [When(kind.names("istartswith", typed) | kind.other_name("istartswith", typed), then=NAME_STARTS_AS_TYPED)]
    if words != typed:  # steering words were left out: the rest matches too, a little less well
        exact |= kind.names("iexact", words)
        starts.append(When(kind.names("istartswith", words) | kind.other_name("istartswith", words), then=NAME_STARTS))
    return Case(
        When(exact, then=EXACT_NAME),
        When(kind.other_name("iexact", words), then=EXACT_OTHER_NAME),
        *starts,
        When(kind.names("icontains", typed), then=NAME_CONTAINS),
        default=WORDS_ONLY,
        output_field=IntegerField(),
    )


def _ranked_vector(fields, kind: Kind) -> SearchVector:
    """`fields` with the kind's names weighing most (so a name outranks a mention in a description)."""
    names = SearchVector(*kind.name_fields, config="english", weight="A")
    others = [f for f in fields if f not in kind.name_fields]
    return names + SearchVector(*others, config="english", weight="C") if others else names


def _full_text(kind: Kind, qs, search_query: SearchQuery):
    """`qs` with the `rank` of each row; the Q of a full-text match (through the model's index), and for a kind
    with guarded text the Q that the match is in text the public may read (apart, so that PostgreSQL finds
    the rows by the index and computes no vector twice).

    Guarded text (an item's minutes) is not ranked: a common word matches tens of thousands of items, whose
    vectors would all be rebuilt to rank them; they come newest first instead (`Kind.order`).
    """
    qs = qs.alias(search=SearchVector(*kind.text_fields, config="english"))
    if not kind.guarded_fields:
        rank = SearchRank(_ranked_vector(kind.text_fields, kind), search_query)
        return qs.annotate(rank=rank), Q(search=search_query), None
    open_fields = [f for f in kind.text_fields if f not in kind.guarded_fields]
    qs = qs.alias(open_search=SearchVector(*open_fields, config="english")).annotate(rank=Value(0.0))
    return qs, Q(search=search_query), kind.guard() | Q(open_search=search_query)


def _every_word(kind: Kind, words: str) -> Q:
    """The SQLite fallback's match: each word in some field the row shows."""
    open_fields = [f for f in kind.text_fields if f not in kind.guarded_fields]
    match = Q()
    for word in words.split():
        in_open = Q(*[Q(**{f"{f}__icontains": word}) for f in open_fields], _connector=Q.OR)
        in_guarded = Q(*[Q(**{f"{f}__icontains": word}) for f in kind.guarded_fields], _connector=Q.OR)
        match &= in_open | (kind.guard() & in_guarded) if kind.guarded_fields else in_open
    return match


def matching(kind: Kind, query: Query):
    """The ranked queryset of `kind` matching `query`, each row annotated with its tier and the total count."""
    words = query.words
    name_field = kind.name_fields[0]
    also = (
        Q(*[Q(**{f"{name_field}__icontains": text}) for text in dict.fromkeys((words, query.typed))], _connector=Q.OR)
        | kind.code(words)
        | kind.other_name("icontains", words)
    )
    qs = kind.queryset()
    if connection.vendor == "postgresql":
        qs, found, readable = _full_text(kind, qs, SearchQuery(words, search_type="websearch", config="english"))
        # The name conditions first: PostgreSQL rechecks this on every row its indexes found and stops at the first
        # true arm, so a row whose title matches never has its minutes' vector rebuilt (~20 µs a row, bench/run).
        qs = qs.filter(also | found)
        if readable is not None:
            qs = qs.filter(readable | also)
    else:
        qs = qs.filter(_every_word(kind, words) | also).annotate(rank=Value(0.0, output_field=FloatField()))
    return qs.annotate(tier=_tier(kind, query), total=Window(Count("pk"))).order_by(
        "-tier", F("rank").desc(), *kind.order, "pk"
    )


# Stand-ins for the query's text while a ranking statement is compiled once for every query of its shape (`_bind`).
_TYPED, _WORDS = "\ue000typed\ue000", "\ue000words\ue000"


SHOWN = ("kind_key", "pk", "tier", "rank", "total")  # a ranking row's columns, then its place in the order


def _ranking(kinds, query: Query, limit: int):
    """One statement: each kind's first `limit` matches as (kind, key, tier, rank, total, place in the order).

    The keys alone, then the few rows shown are read by key (`_rows`): for wide rows that match by the thousand
    (an item's minutes), carrying every match's row and joins through the count and the sort costs ~3×.
    Each branch is sorted and cut to `limit` before its rows are numbered, over those few: numbered first,
    every match was sorted in full; cut first, PostgreSQL keeps only the best `limit` as it goes (a top-N sort).
    """
    branches, params = [], []
    for number, kind in enumerate(kinds):
        ordering = matching(kind, query)
        keys = [_as_order_by(item) for item in ordering.query.order_by]
        sorts = [(_sort_column(key, n), key) for n, key in enumerate(keys)]
        more = {column: key.expression for column, key in sorts if column not in SHOWN}
        best = ordering.annotate(kind_key=Value(kind.key), **more).values_list(*SHOWN, *more)[:limit]
        sql, branch_params = best.query.sql_with_params()
        over = ", ".join(_sql_order(column, key) for column, key in sorts)
        branches.append(f"SELECT {', '.join(SHOWN)}, ROW_NUMBER() OVER (ORDER BY {over}) FROM ({sql}) AS kind_{number}")
        params.extend(branch_params)
    return " UNION ALL ".join(branches), params


def _as_order_by(item) -> OrderBy:
    """An `order_by()` item ("-tier", "pk" or an expression's `.desc()`) as an OrderBy."""
    if isinstance(item, OrderBy):
        return item
    return F(item[1:]).desc() if item.startswith("-") else F(item).asc()


def _sort_column(key: OrderBy, number: int) -> str:
    """The column a branch sorts by: one it shows already (the tier), else a column of its own."""
    name = getattr(key.expression, "name", None)
    return name if name in SHOWN else f"sort_{number}"


def _sql_order(column: str, key: OrderBy) -> str:
    nulls = " NULLS LAST" if key.nulls_last else " NULLS FIRST" if key.nulls_first else ""
    return f"{column} {'DESC' if key.descending else 'ASC'}{nulls}"


@functools.cache
def _ranking_for_shape(kind_keys: tuple[str, ...], steered: bool, limit: int) -> tuple[str, tuple]:
    """`_ranking` with stand-ins for the query's text. Building and compiling the kinds' querysets cost about
    two thirds of a search's CPU, and their SQL differs between queries only in its parameters (ADR 15)."""
    query = Query(typed=_TYPED, words=_WORDS if steered else _TYPED, steers_to=frozenset())
    sql, params = _ranking([KINDS_BY_KEY[key] for key in kind_keys], query, limit)
    return sql, tuple(params)


def _bind(param, query: Query):
    """A compiled parameter with the query's text in place of its stand-in: as it is, or escaped for LIKE where the
    stand-in is part of a pattern ("%…%")."""
    for stand_in, text in ((_TYPED, query.typed), (_WORDS, query.words)):
        if param == stand_in:
            return text
        if isinstance(param, str) and stand_in in param:
            return param.replace(stand_in, connection.ops.prep_for_like_query(text))
    return param


def _ranked_keys(kinds, query: Query, limit: int) -> dict[str, list[tuple]]:
    """For each kind with matches, its best keys in order, each as (key, tier, rank, total)."""
    if connection.vendor == "postgresql":
        sql, params = _ranking_for_shape(tuple(k.key for k in kinds), query.words != query.typed, limit)
        params = [_bind(param, query) for param in params]
    else:  # SQLite's match has a condition for each word, so its SQL differs with their number
        sql, params = _ranking(kinds, query, limit)
    with connections[router.db_for_read(AgendaItem)].cursor() as cursor:  # a replica's, as the querysets' reads
        cursor.execute(sql, params)
        found = sorted(cursor.fetchall(), key=lambda row: row[-1])
    keys = {}
    for kind_key, *row, _ordinal in found:
        keys.setdefault(kind_key, []).append(tuple(row))
    return keys


def _rows(kind: Kind, keys: list[tuple]) -> list:
    """The rows of `keys` (from `_ranked_keys`), each with its tier, rank and total."""
    rows = kind.queryset().in_bulk([pk for pk, *_ in keys])
    best = []
    for pk, tier, rank, total in keys:
        row = rows.get(pk)
        if row is not None:  # else deleted, or its agenda withdrawn, between the two queries
            row.tier, row.rank, row.total = tier, rank, total
            best.append(row)
    return best


def search(raw_query: str | None, *, kind: str | None = None) -> list[Group]:
    """Groups of hits for `raw_query`, best first, empty for an empty query: one query ranks every kind's matches,
    then one reads the rows shown of each kind that has any (two for places)."""
    typed = clean_query(raw_query)
    if not typed:
        return []
    query = parse(typed)
    kinds = [KINDS_BY_KEY[kind]] if kind in KINDS_BY_KEY else KINDS
    limit = KIND_LIMIT if kind in KINDS_BY_KEY else GROUP_LIMIT
    keys = _ranked_keys(kinds, query, limit)
    groups = []
    for k in kinds:
        rows = _rows(k, keys[k.key]) if k.key in keys else []
        total = rows[0].total if rows else 0
        group = Group(kind=k.key, label=k.label, total=total, hits=[k.hit(r) for r in rows])
        if rows:
            group.best_tier, group.best_rank = rows[0].tier, rows[0].rank
        groups.append(group)
    # Stable: kinds that rank alike keep their usual order.
    return sorted(groups, key=lambda g: (g.kind not in query.steers_to, -g.best_tier, -g.best_rank))
