"""Staff admin for boards, people, meetings, MoUs and documents (scoped by staff.admin_mixins).

The rules these records carry are stated in governance/services.py: forms and formsets ask its
checks, so each message lands on the form; publish actions and restores write through it. A
restore (History → Revert) is a save like any other: a version whose publish stamp differs from
the record's now is restored only by a publisher.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.forms.models import BaseInlineFormSet

from places.admin import NationalInline, NationalRecordAdmin
from staff import permissions
from staff.admin_mixins import (
    StaffAdmin,
    StaffModelForm,
    StaffStackedInline,
    StaffTabularInline,
    is_restoring,
    restoring_over,
)

from . import services
from .models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMembership,
    DeclarationOfInterest,
    Document,
    LeadershipPost,
    Meeting,
    MoU,
    MoUSignatory,
    Person,
    Programme,
)

ICS_FILTER = ("ics", admin.RelatedOnlyFieldListFilter)


class PublishedContentFormMixin:
    """Once a record is published, what the public reads is changed only by a publisher
    (services.published_content_check): the message on each such field the user changed.

    On a restore (History → Revert) the version's values are compared with the record's now.
    """

    request = None  # set per request by StaffAdmin.get_form, PublishedContentInlineMixin.get_formset

    def _post_clean(self):
        super()._post_clean()
        if self.request is None:
            return
        before = restoring_over(self.instance)
        if before is not None:
            changed = services.published_content_changed(self.instance, before)
        elif self.instance.pk is None:
            changed = services.published_content_changed(self.instance, None)
        else:
            changed = self.changed_data
        try:
            services.published_content_check(
                obj=self.instance, changed_fields=changed, user=self.request.user, before=before
            )
        except PermissionDenied as refusal:
            content = services.PUBLISHED_CONTENT_FIELDS[self._meta.model]
            fields = [name for name in changed if name in self.fields and name in content]
            for name in fields or [None]:
                self.add_error(name, str(refusal))


class AgendaItemForm(PublishedContentFormMixin, forms.ModelForm):
    """An agenda item row on its meeting's page: its minutes and resolutions, once published, by a publisher."""


class AgendaItemPageForm(PublishedContentFormMixin, StaffModelForm):
    """An agenda item's own page (and its History → Revert): the same rule."""


class PublishedContentFormSet(BaseInlineFormSet):
    """Rows ticked for deletion: a published one only by a publisher (services.published_delete_check)."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if form.instance.pk is not None and self._should_delete_form(form):
                try:
                    services.published_delete_check(obj=form.instance, user=self.form.request.user)
                except PermissionDenied as refusal:
                    raise ValidationError(str(refusal), code="published_delete") from None


class PublishedContentInlineMixin:
    """An inline whose rows carry the published-content rule: its forms know the request's user."""

    formset = PublishedContentFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.request = request  # the form class is made for this request
        return formset


class PublishedDeleteAdminMixin:
    """A published agenda item or paper is deleted (on its page, or selected) only by a publisher."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            try:
                services.published_delete_check(obj=obj, user=request.user)
            except PermissionDenied:
                return False
        return super().has_delete_permission(request, obj)


class DocumentInlineForm(PublishedContentFormMixin, forms.ModelForm):
    """A paper on a board's, meeting's or MoU's page: once published, its title, file and link by a publisher."""


class LoadedChoiceField(forms.ModelChoiceField):
    """A choice of the rows of `queryset`, read once for the whole formset: every row's select is labelled,
    and every submitted value checked, from them, so an inline costs the same queries for 1 row or 100."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        self.loaded = {str(row.pk): row for row in queryset}
        self.choices = [
            ("", self.empty_label),
            *((pk, self.label_from_instance(row)) for pk, row in self.loaded.items()),
        ]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.loaded[str(value)]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


def choose_from(formset, name, queryset):
    """Make the formset's `name` a LoadedChoiceField of `queryset` (keeping its label, help and whether required)."""
    field = formset.form.base_fields[name]
    formset.form.base_fields[name] = LoadedChoiceField(
        queryset, required=field.required, label=field.label, help_text=field.help_text
    )


class NamedFile:
    """An uploaded file as the admin's "Currently:" shows it: by its own name, linked to the portal's view."""

    def __init__(self, file):
        self.url = file.url
        self.name = file.instance.file_name or file.name

    def __str__(self):
        return self.name


class DocumentFileInput(forms.ClearableFileInput):
    """The file field of a document: the current file named as uploaded, not by the random name it is stored under."""

    def format_value(self, value):
        value = super().format_value(value)
        return NamedFile(value) if value else value


DOCUMENT_FILE_WIDGET = {models.FileField: {"widget": DocumentFileInput}}


class DocumentInline(PublishedContentInlineMixin, StaffTabularInline):
    """Papers attached to a board, meeting or MoU. Publishing is done from the Documents list."""

    model = Document
    form = DocumentInlineForm
    formfield_overrides = DOCUMENT_FILE_WIDGET
    fields = ("title", "kind", "file", "url", "published_at")
    readonly_fields = ("published_at",)


class BoardDocumentInline(DocumentInline):
    fk_name = "board"


class MeetingDocumentInline(DocumentInline):
    """A meeting's papers, each on one of its agenda items or on the meeting as a whole."""

    fk_name = "meeting"
    fields = ("title", "kind", "agenda_item", "file", "url", "published_at")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        choose_from(formset, "agenda_item", AgendaItem.objects.filter(meeting=obj).order_by("position", "number"))
        return formset


class MoUDocumentInline(DocumentInline):
    fk_name = "mou"


class BoardMembershipFormSet(BaseInlineFormSet):
    """A page's seats saved together: one chair at a time across them, the message on the row at fault.

    Each row is checked against the saved seats by its own form (the model's constraint), except on
    a board's page, where Django leaves constraints on the inline's key (the board) out of a row's
    check; there every seat of the board is on the page, so checking the page's rows covers it.
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        kept.sort(key=lambda form: form.has_changed())  # rows the user changed last: theirs get the message
        faults = services.board_membership_chair_check(memberships=[form.instance for form in kept])
        for i, error in faults.items():
            kept[i].add_error(None, error)


class BoardMembershipInline(StaffTabularInline):
    model = BoardMembership
    formset = BoardMembershipFormSet
    fields = ("person", "organisation", "role", "is_voting", "start_date", "end_date")
    autocomplete_fields = ("person", "organisation")


class PersonMembershipInline(BoardMembershipInline):
    fields = ("board", "organisation", "role", "is_voting", "start_date", "end_date")
    autocomplete_fields = ("board", "organisation")


class AgendaItemInline(PublishedContentInlineMixin, StaffStackedInline):
    model = AgendaItem
    form = AgendaItemForm
    fields = (
        ("number", "position"),
        "title",
        ("kind", "presenter"),
        "is_confidential",
        "summary",
        "minutes",
        "resolutions",
    )


class AttendanceInline(StaffTabularInline):
    """Who came, sent apologies (and their deputy) or was absent: members chosen from the board's seats.
    A new meeting's board is known once it is saved: record attendance then."""

    model = Attendance
    fields = ("membership", "status", "deputy")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("membership__person")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        seats = BoardMembership.objects.filter(board_id=obj.board_id if obj else None)
        choose_from(
            formset, "membership", seats.select_related("person", "board").order_by(Lower("person__name"), "start_date")
        )
        return formset


class PublishingForm(PublishedContentFormMixin, StaffModelForm):
    """The form of a record with a publish stamp: changing the stamp needs a publisher (services.publish_check).

    Restoring an old version changes the stamp when the version's differs from the record's now, even
    where the field is read-only (the version's value is saved as it was): that needs a publisher too.
    """

    def _post_clean(self):
        super()._post_clean()
        if self.request is None:
            return
        fields = services.PUBLISH_FIELDS[self._meta.model]
        before = restoring_over(self.instance)
        if before is not None:
            try:
                services.restore_publish_check(user=self.request.user, obj=self.instance, before=before)
            except PermissionDenied as refusal:
                self.add_error(fields[0] if fields[0] in self.fields else None, str(refusal))
            return
        changed = [field for field in fields if field in self.changed_data]
        if changed:
            try:
                services.publish_check(user=self.request.user, obj=self.instance)
            except PermissionDenied as refusal:
                for field in changed:
                    self.add_error(field, str(refusal))


class MoUSignatoryFormSet(BaseInlineFormSet):
    """The signatory rule on the signatories as submitted, so the MoU and its first signatory go in one submit."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms if form.cleaned_data.get("organisation") and not form.cleaned_data.get("DELETE")
        ]
        services.mou_signatories_check(status=self.instance.status, has_signatory=bool(kept))


class MoUForm(PublishingForm):
    def clean(self):
        cleaned = super().clean()
        if is_restoring(self.request):
            # Restoring an old version has no signatory inline: the signatories on record count.
            try:
                services.mou_signatories_check(
                    status=cleaned.get("status"),
                    has_signatory=lambda: services.mou_has_signatory(mou=self.instance),
                    field="status",
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class PublishingAdmin(StaffAdmin):
    """Records with publish stamps (services.PUBLISH_FIELDS): only their ICS's publishers change them,
    on the form or with the Publish / Unpublish actions, which write through the record's service."""

    form = PublishingForm
    publish_actions = ("publish_selected", "unpublish_selected")

    @property
    def publish_fields(self) -> tuple[str, ...]:
        return services.PUBLISH_FIELDS[self.model]

    def publish(self, obj, *, user, publish: bool):
        """Publish or unpublish one record through its service."""
        raise NotImplementedError

    def restore(self, obj, *, user, before):
        """Save an old version over the record as it is now (`before`) through its service."""
        raise NotImplementedError

    def save_restored(self, request, obj):
        # The form has asked services.restore_publish_check() of these values, in this transaction; the
        # service asks the rights over the record now and the version again.
        self.restore(obj, user=request.user, before=restoring_over(obj))

    def may_apply_action(self, request, name, obj):
        if name in self.publish_actions:
            return services.may_publish(user=request.user, obj=obj)
        return super().may_apply_action(request, name, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not services.may_publish(user=request.user, obj=obj):
            readonly.extend(field for field in self.publish_fields if field not in readonly)
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        if services.may_publish(user=request.user):
            for name in self.publish_actions:
                actions[name] = self.get_action(name)
        return actions

    def _set_published(self, request, queryset, publish: bool, *, field=None, write=None):
        """Publish or unpublish each record through `write` (else `publish`), which sets `field` (else the
        main stamp)."""
        field = field or self.publish_fields[0]
        write = write or self.publish
        done = refused = 0
        invalid = []
        for obj in queryset:
            was_published = getattr(obj, field) is not None
            try:
                obj = write(obj, user=request.user, publish=publish)
            except PermissionDenied:
                refused += 1
                continue
            except ValidationError as error:  # a rule of the record's own, e.g. minutes of a meeting yet to start
                invalid.append(f"{obj}: {' '.join(error.messages)}")
                continue
            done += was_published != (getattr(obj, field) is not None)
        verb = "Published" if publish else "Unpublished"
        self.message_user(request, f"{verb} {done} record(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"{refused} record(s) left unchanged: only their ICS's publishers may do that.", messages.ERROR
            )
        for reason in invalid:
            self.message_user(request, f"Left unchanged: {reason}", messages.ERROR)

    @admin.action(description="Publish selected")
    def publish_selected(self, request, queryset):
        self._set_published(request, queryset, publish=True)

    @admin.action(description="Unpublish selected (back to draft)")
    def unpublish_selected(self, request, queryset):
        self._set_published(request, queryset, publish=False)


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


@admin.register(Board)
class BoardAdmin(StaffAdmin):
    list_display = ("name", "ics", "place", "kind", "is_statutory", "meets_in_public", "reports_to", "provenance")
    list_filter = ("kind", "is_statutory", "meets_in_public", ICS_FILTER, "provenance")
    list_select_related = ("ics", "place", "reports_to")
    search_fields = ("name", "slug", "ics__short_name", "place__name")
    autocomplete_fields = ("ics", "place", "reports_to")
    inlines = (BoardMembershipInline, BoardDocumentInline)


class LeadershipPostInline(NationalInline):
    """A person's posts as ICB or cluster leader: national records, kept by superusers."""

    model = LeadershipPost
    fields = ("role", "ics", "cluster", "start_date", "end_date", "disputed", "source_url", "source_date")
    autocomplete_fields = ("ics", "cluster")
    extra = 0


@admin.register(Person)
class PersonAdmin(StaffAdmin):
    list_display = ("name", "title", "provenance", "modified_at")
    list_filter = ("provenance",)
    search_fields = ("name", "title", "slug")
    inlines = (PersonMembershipInline, DeclarationInline, LeadershipPostInline)
    autocomplete_unscoped = True


@admin.register(LeadershipPost)
class LeadershipPostAdmin(NationalRecordAdmin):
    """Named ICB and cluster leaders as sources state them: recorded nationally, like successions and clusters."""

    list_display = ("person", "role", "ics", "cluster", "start_date", "end_date", "disputed", "source_date")
    list_filter = ("role", "disputed", ICS_FILTER)
    list_select_related = ("person", "ics", "cluster")
    search_fields = ("person__name", "ics__short_name", "cluster__name", "note")
    autocomplete_fields = ("person", "ics", "cluster")


@admin.register(BoardMembership)
class BoardMembershipAdmin(StaffAdmin):
    list_display = ("person", "board", "role", "organisation", "is_voting", "start_date", "end_date")
    list_filter = ("role", "is_voting", ("board__ics", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("person", "board", "organisation")
    search_fields = ("person__name", "board__name", "organisation__name")
    autocomplete_fields = ("board", "person", "organisation")
    date_hierarchy = "start_date"


@admin.register(Meeting)
class MeetingAdmin(PublishingAdmin):
    list_display = (
        "__str__",
        "board",
        "starts_at",
        "status",
        "is_public",
        "agenda_published_at",
        "minutes_published_at",
    )
    list_filter = (
        "status",
        "is_public",
        ("agenda_published_at", admin.EmptyFieldListFilter),
        ("minutes_published_at", admin.EmptyFieldListFilter),
        ("board__ics", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("board",)
    search_fields = ("board__name", "slug", "location")
    autocomplete_fields = ("board", "minutes_approved_at")
    date_hierarchy = "starts_at"
    inlines = (AgendaItemInline, AttendanceInline, MeetingDocumentInline)
    publish_actions = (*PublishingAdmin.publish_actions, "publish_agenda_selected", "unpublish_agenda_selected")

    def publish(self, obj, *, user, publish):
        return services.meeting_publish_minutes(meeting=obj, user=user, publish=publish)

    def publish_agenda(self, obj, *, user, publish):
        return services.meeting_publish_agenda(meeting=obj, user=user, publish=publish)

    @admin.action(description="Publish the minutes of selected meetings")
    def publish_selected(self, request, queryset):
        super().publish_selected(request, queryset)

    @admin.action(description="Unpublish the minutes of selected meetings (back to draft)")
    def unpublish_selected(self, request, queryset):
        super().unpublish_selected(request, queryset)

    @admin.action(description="Publish the agenda of selected meetings")
    def publish_agenda_selected(self, request, queryset):
        self._set_published(request, queryset, publish=True, field="agenda_published_at", write=self.publish_agenda)

    @admin.action(description="Unpublish the agenda of selected meetings (back to draft)")
    def unpublish_agenda_selected(self, request, queryset):
        self._set_published(request, queryset, publish=False, field="agenda_published_at", write=self.publish_agenda)

    def restore(self, obj, *, user, before):
        return services.meeting_restore(meeting=obj, user=user, before=before, validated=True)


@admin.register(AgendaItem)
class AgendaItemAdmin(PublishedDeleteAdminMixin, StaffAdmin):
    form = AgendaItemPageForm
    list_display = ("__str__", "meeting", "position", "kind", "is_confidential")
    list_select_related = ("meeting__board",)
    ordering = ("-id",)  # newest first; the model's meeting ordering sorts 300k rows through a join
    search_fields = ("title", "summary", "minutes", "resolutions", "meeting__board__name")
    list_filter = (("meeting__board__ics", admin.RelatedOnlyFieldListFilter),)
    autocomplete_fields = ("meeting",)


@admin.register(MoU)
class MoUAdmin(PublishingAdmin):
    list_display = ("title", "ics", "place", "status", "version", "start_date", "review_date", "published_at")
    list_filter = ("status", ("published_at", admin.EmptyFieldListFilter), ICS_FILTER, "provenance")
    list_select_related = ("ics", "place")
    search_fields = ("title", "slug", "summary", "ics__short_name")
    autocomplete_fields = ("ics", "place")
    date_hierarchy = "start_date"
    form = MoUForm
    inlines = (MoUSignatoryInline, MoUDocumentInline)

    def publish(self, obj, *, user, publish):
        return services.mou_publish(mou=obj, user=user, publish=publish)

    def restore(self, obj, *, user, before):
        # MoUForm.clean() has checked the signatory rule on these values, in this transaction.
        return services.mou_restore(mou=obj, user=user, before=before, validated=True)


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
        if obj is not None:
            try:
                services.mou_signatory_removal_check(signatory=obj)
            except ValidationError:
                return False
        return super().has_delete_permission(request, obj)


@admin.register(Document)
class DocumentAdmin(PublishedDeleteAdminMixin, PublishingAdmin):
    list_display = ("title", "kind", "board", "meeting", "mou", "published_at")
    list_filter = ("kind", ("published_at", admin.EmptyFieldListFilter))
    list_select_related = ("board", "meeting__board", "mou")
    ordering = ("-id",)
    search_fields = ("title", "url", "board__name", "mou__title")
    autocomplete_fields = ("board", "meeting", "agenda_item", "mou")
    formfield_overrides = DOCUMENT_FILE_WIDGET

    def publish(self, obj, *, user, publish):
        return services.document_publish(document=obj, user=user, publish=publish)

    def restore(self, obj, *, user, before):
        return services.document_restore(document=obj, user=user, before=before, validated=True)


@admin.register(DeclarationOfInterest)
class DeclarationOfInterestAdmin(StaffAdmin):
    list_display = ("person", "interest", "organisation", "start_date", "end_date")
    list_select_related = ("person", "organisation")
    search_fields = ("person__name", "interest", "organisation__name")
    autocomplete_fields = ("person", "organisation")
    date_hierarchy = "start_date"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A declaration is part of its person's public record: declaring one (or moving one to another
        # person) changes that person, so only people the user may change are accepted (docs/adr/0004).
        if db_field.name == "person":
            kwargs["queryset"] = permissions.editable(request.user, Person.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
