"""Staff admin for organisations and partnerships (scoped by staff.admin_mixins).

Organisations are shared records (docs/adr/0004): staff of any ICS the organisation is
linked to see it, but change or delete it only when every ICS it is linked to is theirs
(else it shows read-only). Any organisation may be chosen as a partner of one's own ICS:
that writes a partnership of that ICS and changes nothing of the organisation. The
partner-list import lives at /admin/partners/organisation/import/ (partners/importers.py):
a row naming an organisation the user may not change links it without changing it.
"""

import base64

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from places.models import IntegratedCareSystem
from staff import permissions
from staff.admin_mixins import StaffAdmin, StaffTabularInline, one_at_a_time_formset
from staff.jobs import JobRefused, start_job
from staff.jobs_admin import report_job
from staff.models import BackgroundJob

from .importers import (
    MAX_BYTES,
    MAX_ROWS,
    PartnerFileError,
    partner_import_check,
    partner_import_preview,
    partner_import_rights,
    template_csv,
)
from .models import NAMES_OVERLAP, OdsChange, Organisation, OrganisationName, Partnership
from .services import KIND_ORDER, accept_ods_change, may_decide_ods_changes, reject_ods_change
from .tasks import partner_import_job, sync_ods_job

SESSION_KEY = "partner_import"


class PartnerImportForm(forms.Form):
    ics = forms.ModelChoiceField(queryset=IntegratedCareSystem.objects.none(), label="ICS")
    file = forms.FileField(
        label="CSV file", help_text=f"UTF-8 CSV, at most {MAX_BYTES // 1024 // 1024} MB and {MAX_ROWS} rows."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ics"].queryset = permissions.editable_ics(user).order_by(Lower("short_name"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB."
            )
        return upload


class PartnershipInline(StaffTabularInline):
    model = Partnership
    fk_name = "organisation"
    fields = ("ics", "place", "role", "start_date", "end_date", "source")
    autocomplete_fields = ("ics", "place")


class OrganisationNameInline(StaffTabularInline):
    """The names the organisation was known by; rights are the organisation's (a name follows its organisation)."""

    model = OrganisationName
    formset = one_at_a_time_formset("organisation_id", NAMES_OVERLAP)
    fields = ("name", "start_date", "end_date", "source")
    show_change_link = False
    verbose_name = "name over time"
    verbose_name_plural = "names over time (a rename that kept the ODS code; leave empty if never renamed)"


@admin.register(Organisation)
class OrganisationAdmin(StaffAdmin):
    list_display = ("name", "ods_code", "kind", "sector", "start_date", "end_date", "provenance")
    list_filter = ("kind", "sector", "provenance", ("partnerships__ics", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "ods_code", "slug")
    autocomplete_fields = ("successor",)
    inlines = (PartnershipInline, OrganisationNameInline)
    autocomplete_unscoped = True
    change_list_template = "admin/partners/organisation/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        template = self.admin_site.admin_view(self.import_template_view)
        return [
            path("import/", view, name="partners_organisation_import"),
            path("import/template.csv", template, name="partners_organisation_import_template"),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        """An example partner list to fill in: the columns the import reads, one row per common kind."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="partner-list-template.csv"'
        return response

    def import_view(self, request):
        """Upload → preview (create / update / error rows) → apply in one transaction."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Import a partner list"}
        context.update(max_mb=MAX_BYTES // 1024 // 1024, max_rows=MAX_ROWS)
        if request.method == "POST" and "apply" in request.POST:
            return self._import_apply(request, context)
        form = PartnerImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            ics, upload = form.cleaned_data["ics"], form.cleaned_data["file"]
            data = upload.read()
            try:
                preview = partner_import_preview(ics=ics, data=data, filename=upload.name)
                partner_import_rights(preview=preview, user=request.user)
            except PartnerFileError as error:
                form.add_error("file", str(error))
            else:
                request.session[SESSION_KEY] = {
                    "ics": ics.pk,
                    "filename": upload.name,
                    "data": base64.b64encode(data).decode("ascii"),
                }
                context["preview"] = preview
        context["form"] = form
        return TemplateResponse(request, "admin/partners/organisation/import.html", context)

    def _import_apply(self, request, context):
        stored = request.session.get(SESSION_KEY)
        allowed = permissions.editable_ics(request.user)
        ics = allowed.filter(pk=stored["ics"]).first() if stored else None
        if ics is None:
            self.message_user(request, "Upload the file again: the preview has expired.", messages.ERROR)
            return redirect("admin:partners_organisation_import")
        preview = None
        skip_errors = bool(request.POST.get("skip_errors"))
        try:
            preview = partner_import_preview(
                ics=ics, data=base64.b64decode(stored["data"]), filename=stored["filename"]
            )
            partner_import_check(preview=preview, user=request.user, skip_errors=skip_errors)
        except (PartnerFileError, ValidationError) as error:
            message = str(error) if isinstance(error, PartnerFileError) else " ".join(error.messages)
            self.message_user(request, message, messages.ERROR)
            context.update(preview=preview, form=PartnerImportForm(user=request.user))
            return TemplateResponse(request, "admin/partners/organisation/import.html", context)
        del request.session[SESSION_KEY]
        job = start_job(
            BackgroundJob.Kind.PARTNER_IMPORT,
            partner_import_job,
            user=request.user,
            ics=ics,
            filename=stored["filename"],
            data=stored["data"],
            skip_errors=skip_errors,
        )
        report_job(self, request, job)
        return redirect(reverse("admin:partners_organisation_changelist"))


@admin.register(Partnership)
class PartnershipAdmin(StaffAdmin):
    list_display = ("organisation", "ics", "place", "role", "start_date", "end_date", "provenance")
    list_filter = ("role", ("ics", admin.RelatedOnlyFieldListFilter), "provenance")
    list_select_related = ("organisation", "ics", "place")
    search_fields = ("organisation__name", "organisation__ods_code", "ics__short_name", "place__name", "source")
    autocomplete_fields = ("organisation", "ics", "place")
    date_hierarchy = "start_date"


class OdsDecisionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason",
        help_text="Why you accept or reject the selected changes (needed to reject).",
    )


@admin.register(OdsChange)
class OdsChangeAdmin(admin.ModelAdmin):
    """The ODS review queue: what `manage.py sync_ods` proposes, for the national role to accept or reject.

    Accept / Reject selected take the reason typed next to the action (one change: select one). Each change is
    decided in its own transaction through partners.services, so one refused change leaves the others decided.
    """

    action_form = OdsDecisionForm
    change_list_template = "admin/partners/odschange/change_list.html"
    actions = ("accept_selected", "reject_selected")
    list_display = ("ods_code", "kind", "organisation", "changes", "source_file", "source_date", "status")
    list_filter = ("status", "kind", "source_date")
    list_select_related = ("organisation",)
    search_fields = ("ods_code", "organisation__name")
    fields = (
        "ods_code",
        "kind",
        "organisation",
        "changes",
        "source_file",
        "source_date",
        "status",
        "reason",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields

    def get_urls(self):
        sync = self.admin_site.admin_view(require_POST(self.sync_view))
        return [path("sync/", sync, name="partners_odschange_sync"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "sync_files": settings.ODS_SYNC_FILES}
        return super().changelist_view(request, extra_context)

    def sync_view(self, request):
        """Queue the ODS sync of settings.ODS_SYNC_FILES; staff follow it under Background jobs."""
        if not may_decide_ods_changes(request.user):
            raise PermissionDenied
        if not settings.ODS_SYNC_FILES:
            self.message_user(request, "No ODS files are configured (ODS_SYNC_FILES): nothing to sync.", messages.ERROR)
        else:
            try:
                job = start_job(
                    BackgroundJob.Kind.ODS_SYNC, sync_ods_job, user=request.user, files=settings.ODS_SYNC_FILES
                )
            except JobRefused as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                report_job(self, request, job)
        return redirect("admin:partners_odschange_changelist")

    def has_module_permission(self, request):
        return may_decide_ods_changes(request.user)

    def has_view_permission(self, request, obj=None):
        return may_decide_ods_changes(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="before → after")
    def changes(self, change):
        rows = format_html_join(
            "",
            "<li>{}: {} → {}</li>",
            ((name, _shown(change.before.get(name)), _shown(value)) for name, value in change.after.items()),
        )
        return format_html("<ul>{}</ul>", rows)

    @admin.action(description="Accept selected ODS changes (applies them)")
    def accept_selected(self, request, queryset):
        self._decide(request, queryset, accept_ods_change, "accepted")

    @admin.action(description="Reject selected ODS changes (give a reason)")
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, reject_ods_change, "rejected")

    def _decide(self, request, queryset, decide, done):
        reason = request.POST.get("reason", "")
        order = {kind: i for i, kind in enumerate(KIND_ORDER)}
        decided = 0
        for change in sorted(queryset, key=lambda c: (order.get(c.kind, len(order)), c.ods_code)):
            try:
                decide(change, user=request.user, reason=reason)
                decided += 1
            except (ValidationError, PermissionDenied) as error:
                message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{change}: {message}", messages.ERROR)
        if decided:
            self.message_user(request, f"{decided} ODS change(s) {done}.", messages.SUCCESS)


def _shown(value) -> str:
    if value in (None, "", []):
        return "(none)"
    return ", ".join(value) if isinstance(value, list) else str(value)
