"""Staff admin for boards, people, meetings, MoUs and documents (scoped by staff.admin_mixins)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from staff.admin_mixins import StaffAdmin, StaffModelForm, StaffStackedInline, StaffTabularInline

from .models import (
    AgendaItem,
    Board,
    BoardMembership,
    DeclarationOfInterest,
    Document,
    Meeting,
    MoU,
    MoUSignatory,
    Person,
    Programme,
)
from .services import MOU_NEEDS_SIGNATORY

ICS_FILTER = ("ics", admin.RelatedOnlyFieldListFilter)


class DocumentInline(StaffTabularInline):
    """Papers attached to a board, meeting or MoU. Publishing is done from the Documents list."""

    model = Document
    fields = ("title", "kind", "file", "url", "published_at")
    readonly_fields = ("published_at",)


class BoardDocumentInline(DocumentInline):
    fk_name = "board"


class MeetingDocumentInline(DocumentInline):
    fk_name = "meeting"


class MoUDocumentInline(DocumentInline):
    fk_name = "mou"


class BoardMembershipInline(StaffTabularInline):
    model = BoardMembership
    fields = ("person", "organisation", "role", "is_voting", "start_date", "end_date")
    autocomplete_fields = ("person", "organisation")


class PersonMembershipInline(BoardMembershipInline):
    fields = ("board", "organisation", "role", "is_voting", "start_date", "end_date")
    autocomplete_fields = ("board", "organisation")


class AgendaItemInline(StaffStackedInline):
    model = AgendaItem
    fields = (("number", "position"), "title", "summary", "minutes", "resolutions")


class MoUSignatoryFormSet(BaseInlineFormSet):
    """Signed or in force needs a signatory; checked here so the MoU and its first signatory go in one submit."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.status not in MoU.SIGNED_STATUSES:
            return
        kept = [
            form for form in self.forms if form.cleaned_data.get("organisation") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(MOU_NEEDS_SIGNATORY, code="mou_needs_signatory")


class MoUForm(StaffModelForm):
    def clean(self):
        cleaned = super().clean()
        match = getattr(self.request, "resolver_match", None)
        restoring = bool(match and match.url_name.endswith("_simple_history"))
        # Restoring an old version has no signatory inline: check the signatories on record.
        if (
            restoring
            and cleaned.get("status") in MoU.SIGNED_STATUSES
            and not MoUSignatory.objects.filter(mou_id=self.instance.pk).exists()
        ):
            self.add_error("status", MOU_NEEDS_SIGNATORY)
        return cleaned


class MoUSignatoryInline(StaffTabularInline):
    model = MoUSignatory
    formset = MoUSignatoryFormSet
    fields = ("organisation", "signed_by", "signed_on")
    autocomplete_fields = ("organisation",)


class DeclarationInline(StaffTabularInline):
    model = DeclarationOfInterest
    fields = ("interest", "organisation", "action_taken", "start_date", "end_date")
    autocomplete_fields = ("organisation",)


@admin.register(Programme)
class ProgrammeAdmin(StaffAdmin):
    list_display = ("name", "ics", "lead_organisation", "start_date", "end_date", "provenance")
    list_filter = (ICS_FILTER, "provenance")
    list_select_related = ("ics", "lead_organisation")
    search_fields = ("name", "slug", "description", "ics__short_name")
    autocomplete_fields = ("ics", "lead_organisation")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Board)
class BoardAdmin(StaffAdmin):
    list_display = ("name", "ics", "place", "kind", "is_statutory", "meets_in_public", "reports_to", "provenance")
    list_filter = ("kind", "is_statutory", "meets_in_public", ICS_FILTER, "provenance")
    list_select_related = ("ics", "place", "reports_to")
    search_fields = ("name", "slug", "ics__short_name", "place__name")
    autocomplete_fields = ("ics", "place", "reports_to")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (BoardMembershipInline, BoardDocumentInline)


@admin.register(Person)
class PersonAdmin(StaffAdmin):
    list_display = ("name", "title", "provenance", "modified_at")
    list_filter = ("provenance",)
    search_fields = ("name", "title", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PersonMembershipInline, DeclarationInline)
    autocomplete_unscoped = True


@admin.register(BoardMembership)
class BoardMembershipAdmin(StaffAdmin):
    list_display = ("person", "board", "role", "organisation", "is_voting", "start_date", "end_date")
    list_filter = ("role", "is_voting", ("board__ics", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("person", "board", "organisation")
    search_fields = ("person__name", "board__name", "organisation__name")
    autocomplete_fields = ("board", "person", "organisation")
    date_hierarchy = "start_date"


@admin.register(Meeting)
class MeetingAdmin(StaffAdmin):
    list_display = ("__str__", "board", "starts_at", "status", "is_public", "minutes_published_at")
    list_filter = (
        "status",
        "is_public",
        ("minutes_published_at", admin.EmptyFieldListFilter),
        ("board__ics", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("board",)
    search_fields = ("board__name", "slug", "location")
    autocomplete_fields = ("board",)
    date_hierarchy = "starts_at"
    inlines = (AgendaItemInline, MeetingDocumentInline)
    publish_fields = ("minutes_published_at",)


@admin.register(AgendaItem)
class AgendaItemAdmin(StaffAdmin):
    list_display = ("__str__", "meeting", "position")
    list_select_related = ("meeting__board",)
    ordering = ("-id",)  # newest first; the model's meeting ordering sorts 300k rows through a join
    search_fields = ("title", "summary", "minutes", "resolutions", "meeting__board__name")
    list_filter = (("meeting__board__ics", admin.RelatedOnlyFieldListFilter),)
    autocomplete_fields = ("meeting",)


@admin.register(MoU)
class MoUAdmin(StaffAdmin):
    list_display = ("title", "ics", "place", "status", "version", "start_date", "review_date", "published_at")
    list_filter = ("status", ("published_at", admin.EmptyFieldListFilter), ICS_FILTER, "provenance")
    list_select_related = ("ics", "place")
    search_fields = ("title", "slug", "summary", "ics__short_name")
    autocomplete_fields = ("ics", "place")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "start_date"
    form = MoUForm
    inlines = (MoUSignatoryInline, MoUDocumentInline)
    publish_fields = ("published_at",)


@admin.register(MoUSignatory)
class MoUSignatoryAdmin(StaffAdmin):
    list_display = ("organisation", "mou", "signed_by", "signed_on")
    list_select_related = ("organisation", "mou")
    search_fields = ("organisation__name", "mou__title", "signed_by")
    list_filter = (("mou__ics", admin.RelatedOnlyFieldListFilter),)
    autocomplete_fields = ("mou", "organisation")
    date_hierarchy = "signed_on"

    def has_delete_permission(self, request, obj=None):
        # The last signatory of a signed MoU stays: change the MoU's status first.
        if obj is not None and obj.mou.status in MoU.SIGNED_STATUSES and obj.mou.signatories.count() <= 1:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Document)
class DocumentAdmin(StaffAdmin):
    list_display = ("title", "kind", "board", "meeting", "mou", "published_at")
    list_filter = ("kind", ("published_at", admin.EmptyFieldListFilter))
    list_select_related = ("board", "meeting__board", "mou")
    ordering = ("-id",)
    search_fields = ("title", "url", "board__name", "mou__title")
    autocomplete_fields = ("board", "meeting", "mou")
    publish_fields = ("published_at",)


@admin.register(DeclarationOfInterest)
class DeclarationOfInterestAdmin(StaffAdmin):
    list_display = ("person", "interest", "organisation", "start_date", "end_date")
    list_select_related = ("person", "organisation")
    search_fields = ("person__name", "interest", "organisation__name")
    autocomplete_fields = ("person", "organisation")
    date_hierarchy = "start_date"
