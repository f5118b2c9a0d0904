"""Public pages for boards, their meetings, MoUs and the people on boards, and the documents' files."""

import mimetypes

from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from governance import presenters
from governance.feeds import board_calendar, ics_calendar
from governance.filters import DecisionFilter
from governance.models import Board, Decision, Document, Meeting, MoU, Person
from ics_portal.core.as_at import as_at_for, split_by_day
from ics_portal.core.csv_export import csv_response
from places.models import IntegratedCareSystem
from staff import permissions

# --- staff previews of drafts -------------------------------------------------------------------------
# Staff who may see a record as staff (its ICS's, or superusers) get its page before it is public, to check
# it and to follow the admin's "View on site"; everyone else gets the public page, or 404 for a draft.


def _may_preview(request, record) -> bool:
    return permissions.is_staff_member(request.user) and permissions.can_view(request.user, record)


def _draft_or_404(request, drafts):
    """The draft `drafts` finds, for staff who may preview it; anyone else gets 404, as if there were none."""
    if permissions.is_staff_member(request.user):
        draft = drafts.first()
        if draft is not None and permissions.can_view(request.user, draft):
            return draft
    raise Http404("Nothing is published here.")


def _kept_private(response):
    """A preview is kept by no cache, shared or the browser's, and by no search engine."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _crumbs_for_board(board, as_at):
    crumbs = [
        ("Home", reverse("site:home") + as_at.query),
        (board.ics.short_name, board.ics.get_absolute_url() + as_at.query),
    ]
    if board.place_id:
        crumbs.append((board.place.name, board.place.get_absolute_url() + as_at.query))
    return crumbs


def board_detail(request, slug):
    as_at = as_at_for(request)
    board = get_object_or_404(Board.objects.for_detail(as_at.day), slug=slug)
    members, past_members = split_by_day(board.memberships.all(), as_at.day)
    upcoming, past_meetings = presenters.split_meetings(board.meetings.all(), as_at.day)
    return render(
        request,
        "governance/board_detail.html",
        {
            "as_at": as_at,
            "board": board,
            "in_force": board.is_current_on(as_at.day),
            "members": presenters.members_by_role(members),
            "past_members": past_members,
            "reporting_line": presenters.reporting_line(board, board.ics.all_boards),
            "upcoming": upcoming,
            "past_meetings": past_meetings,
            "breadcrumbs": _crumbs_for_board(board, as_at),
        },
    )


def meeting_detail(request, board_slug, slug):
    meeting = get_object_or_404(Meeting.objects.for_detail(), board__slug=board_slug, slug=slug)
    board = meeting.board
    drafts = presenters.meeting_drafts(meeting)
    preview = bool(drafts) and _may_preview(request, meeting)
    minutes_published = meeting.minutes_published_at is not None
    # A preview shows the page as it will be once the agenda and the minutes are published.
    show_agenda = meeting.agenda_published_at is not None or preview
    show_minutes = minutes_published or preview
    documents = meeting.documents.published().order_by("kind", "title") if preview else meeting.documents.all()
    items = presenters.agenda_rows(
        meeting.agenda_items.all() if show_agenda else [], documents, minutes_published=show_minutes
    )
    papers = presenters.meeting_papers(documents, minutes_published=show_minutes)
    previous_meeting, next_meeting = Meeting.objects.neighbours(meeting)
    response = render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "board": board,
            "previous_meeting": previous_meeting,
            "next_meeting": next_meeting,
            "agenda_published": show_agenda,
            "items": items,
            "item_papers": any(row.papers for row in items),
            "documents": papers,
            "corrections": presenters.meeting_corrections(
                meeting, items, [*papers, *(paper for row in items for paper in row.papers)]
            ),
            "notice": presenters.papers_notice(meeting),
            "minutes_published": minutes_published,
            "show_minutes": show_minutes,
            "attendance": presenters.attendance_record(meeting) if show_minutes else None,
            "approved_minutes_of": meeting.approved_minutes_of.all() if show_minutes else [],
            "draft": presenters.meeting_draft_notice(drafts) if preview else None,
            "is_future": meeting.starts_at is not None and meeting.starts_at > timezone.now(),
            "breadcrumbs": [
                ("Home", reverse("site:home")),
                (board.ics.short_name, board.ics.get_absolute_url()),
                (board.name, board.get_absolute_url()),
            ],
        },
    )
    return _kept_private(response) if preview else response


def mou_detail(request, slug):
    mou = MoU.objects.for_detail().filter(slug=slug).first()
    preview = mou is None
    if preview:
        mou = _draft_or_404(request, MoU.objects.for_detail(drafts=True).filter(slug=slug))
    crumbs = [("Home", reverse("site:home")), (mou.ics.short_name, mou.ics.get_absolute_url())]
    if mou.place_id:
        crumbs.append((mou.place.name, mou.place.get_absolute_url()))
    response = render(
        request,
        "governance/mou_detail.html",
        {
            "mou": mou,
            "draft": preview,
            "status_history": presenters.status_history(mou.history.order_by("history_date")),
            "corrections": presenters.mou_corrections(mou),
            "breadcrumbs": crumbs + [("Memoranda of understanding", mou.ics.get_absolute_url() + "#mous")],
        },
    )
    return _kept_private(response) if preview else response


def person_detail(request, slug):
    as_at = as_at_for(request)
    person = get_object_or_404(Person.objects.for_detail(), slug=slug)
    roles, past_roles = split_by_day(person.memberships.all(), as_at.day)
    interests, past_interests = split_by_day(person.declarations.all(), as_at.day)
    return render(
        request,
        "governance/person_detail.html",
        {
            "as_at": as_at,
            "person": person,
            "roles": roles,
            "past_roles": past_roles,
            "interests": interests,
            "past_interests": past_interests,
            "breadcrumbs": [("Home", reverse("site:home") + as_at.query)],
        },
    )


@require_safe
def board_meetings_ics(request, slug):
    """A board's meetings as an iCalendar feed to subscribe to. Two queries."""
    board = get_object_or_404(Board.objects.select_related("ics"), slug=slug)
    meetings = board.meetings.filter(starts_at__isnull=False).order_by("starts_at", "pk")  # a calendar needs a date
    body = board_calendar(board, meetings, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{board.slug}-meetings.ics"'
    return response


# --- decisions registers and the ICS's meetings calendar -------------------------------------------------

REGISTER_PAGE_SIZE = 25
DECISION_FILTERS = ("q", "board", "kind", "date_from", "date_to")
PAGE_LABELS = {"board": "Board", "date_from": "Meetings from", "date_to": "Meetings up to"}


def _decision_filterset(request, decisions, boards=None):
    """The register's filters over `decisions` (one board's or one ICS's, fixed by the address, so `ics`, and
    `board` on a board's register, are not asked); `boards` are the ones the ICS register offers."""
    data = request.GET.copy()
    for fixed in ("ics", "board") if boards is None else ("ics",):
        data.pop(fixed, None)
    filterset = DecisionFilter(data, queryset=decisions, request=request)
    fields = filterset.form.fields
    fields["board"].queryset = boards if boards is not None else Board.objects.none()
    for name, label in PAGE_LABELS.items():  # the filters' own labels are the API's parameter descriptions
        fields[name].label = label
    return filterset


def _register(request, filterset, *, title, scope, boards, csv_url, breadcrumbs):
    page = Paginator(filterset.qs, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    form = filterset.form
    shown = [name for name in DECISION_FILTERS if name != "board" or boards is not None]
    return render(
        request,
        "governance/decisions.html",
        {
            "title": title,
            "scope": scope,
            "form": form,
            "fields": [form[name] for name in shown],
            "boards": boards,
            "kinds": [choice for choice in form.fields["kind"].choices if choice[0]],
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": any(request.GET.get(name) for name in shown),
            "csv_url": csv_url,
            "breadcrumbs": breadcrumbs,
        },
    )


def _decisions_csv(request, filterset, name):
    rows = presenters.decision_csv_rows(filterset.qs, absolute_url=request.build_absolute_uri)
    return csv_response(f"decisions-{name}-{timezone.localdate().isoformat()}", presenters.DECISION_CSV_HEADER, rows)


def _board_register(request, slug):
    board = get_object_or_404(Board.objects.select_related("ics"), slug=slug)
    decisions = Decision.objects.for_register().filter(agenda_item__meeting__board=board)
    return board, _decision_filterset(request, decisions)


def _ics_register(request, slug):
    ics = get_object_or_404(IntegratedCareSystem, slug=slug)
    decisions = Decision.objects.for_register().filter(agenda_item__meeting__board__ics=ics)
    boards = ics.boards.order_by("name")
    return ics, boards, _decision_filterset(request, decisions, boards)


@require_safe
def board_decisions(request, slug):
    """A board's decisions register: its published decisions, newest first, searchable. Three queries."""
    board, filterset = _board_register(request, slug)
    return _register(
        request,
        filterset,
        title=f"Decisions of {board.name}",
        scope=board,
        boards=None,
        csv_url=reverse("governance:board_decisions_csv", kwargs={"slug": board.slug}),
        breadcrumbs=[*_crumbs_for_board(board, as_at_for(request)), (board.name, board.get_absolute_url())],
    )


@require_safe
def board_decisions_csv(request, slug):
    """The board's register as CSV: the page's filters, every page of it, one row a decision."""
    board, filterset = _board_register(request, slug)
    return _decisions_csv(request, filterset, board.slug)


@require_safe
def ics_decisions(request, slug):
    """The decisions of every board of an ICS, newest first, searchable and filtered by board."""
    ics, boards, filterset = _ics_register(request, slug)
    boards = list(boards)  # the board filter's choices
    return _register(
        request,
        filterset,
        title=f"Decisions of {ics.short_name}'s boards",
        scope=ics,
        boards=boards,
        csv_url=reverse("governance:ics_decisions_csv", kwargs={"slug": ics.slug}),
        breadcrumbs=[("Home", reverse("site:home")), (ics.short_name, ics.get_absolute_url())],
    )


@require_safe
def ics_decisions_csv(request, slug):
    """The ICS's register as CSV: the page's filters, every page of it, one row a decision."""
    ics, _, filterset = _ics_register(request, slug)
    return _decisions_csv(request, filterset, ics.slug)


@require_safe
def ics_meetings(request, slug):
    """Every board's meetings of an ICS: upcoming soonest first (on the first page), past newest first, paged."""
    ics = get_object_or_404(IntegratedCareSystem, slug=slug)
    meetings = Meeting.objects.for_calendar().filter(board__ics=ics)
    today = timezone.localdate()
    past = meetings.exclude(starts_at__date__gte=today).order_by(F("starts_at").desc(nulls_last=True), "-pk")
    page = Paginator(past, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    upcoming = meetings.filter(starts_at__date__gte=today).order_by("starts_at", "pk") if page.number == 1 else None
    return render(
        request,
        "governance/ics_meetings.html",
        {
            "ics": ics,
            "upcoming": upcoming,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "breadcrumbs": [("Home", reverse("site:home")), (ics.short_name, ics.get_absolute_url())],
        },
    )


@require_safe
def ics_meetings_ics(request, slug):
    """The meetings of every board of an ICS as an iCalendar feed. Two queries."""
    ics = get_object_or_404(IntegratedCareSystem, slug=slug)
    meetings = (
        Meeting.objects.for_calendar().filter(board__ics=ics, starts_at__isnull=False).order_by("starts_at", "pk")
    )
    body = ics_calendar(ics, meetings, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{ics.slug}-meetings.ics"'
    return response


# Shown in the browser: the types its own viewers render without running anything of the file's in this
# site's origin. Every other type (HTML, SVG, office documents, …) is a download.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv"}
# A served file is never a page of this site: it loads nothing, runs nothing and is framed by nobody. PDFs
# leave out `sandbox`, under which browsers' PDF viewers show nothing (a PDF's scripts run in the viewer).
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'"
SANDBOXED_FILE_CSP = f"{FILE_CSP}; sandbox"


def _document_for(request, pk):
    """The document with an uploaded file at `pk`, and whether the public may have it.

    The public gets it once it is public (Document.objects.public(): the pages' rule); staff who may
    see it as staff get a draft too, to preview it from the admin (_draft_or_404). Anyone else gets 404,
    as if there were no such document.
    """
    with_file = Document.objects.exclude(file="")
    document = with_file.public().filter(pk=pk).first()
    if document is not None:
        return document, True
    return _draft_or_404(request, with_file.select_related("mou", "meeting__board", "board").filter(pk=pk)), False


@require_safe
def document_file(request, pk, file_name):
    """An uploaded document's file, streamed from storage (which nothing else serves), under its own name."""
    document, public = _document_for(request, pk)
    name = document.file_name or "document"
    if file_name != name:  # an old link, to a file since replaced
        return redirect(document.file_url())
    changed = document.public_modified_at if public else document.modified_at
    not_modified = get_conditional_response(request, last_modified=int(changed.timestamp()))
    if not_modified is None:
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404("No such document.") from None
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        inline = content_type in INLINE_TYPES
        response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    else:
        response = not_modified
        content_type = None
    response["Last-Modified"] = http_date(changed.timestamp())
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP if content_type == "application/pdf" else SANDBOXED_FILE_CSP
    if not public:
        return _kept_private(response)
    # A public file may be cached, asking each time whether it changed.
    response["Cache-Control"] = "no-cache"
    return response
