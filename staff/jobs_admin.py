"""Background jobs in the admin: the list staff follow their jobs in, and the message a page gives on starting
one. Staff see the imports into their ICSs and the jobs they started; the national role sees every ODS sync."""

from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from partners.services import may_decide_ods_changes

from . import permissions
from .jobs import abandon_jobs
from .models import BackgroundJob


def report_job(model_admin, request, job: BackgroundJob) -> None:
    """Say how a job just started stands: its result when it ran inline, else where to follow it."""
    if job.state == BackgroundJob.State.DONE:
        model_admin.message_user(request, job.progress, messages.SUCCESS)
    elif job.state == BackgroundJob.State.FAILED:
        model_admin.message_user(request, f"{job} failed: {job.error}", messages.ERROR)
    else:
        url = reverse("admin:staff_backgroundjob_change", args=[job.pk])
        model_admin.message_user(
            request, format_html('{} is queued: <a href="{}">follow it under Background jobs</a>.', job, url)
        )


@admin.register(BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "started_by", "ics", "queued_at", "finished_at", "outcome")
    list_filter = ("kind", "state")
    list_select_related = ("started_by", "ics")
    fields = ("kind", "state", "started_by", "ics", "queued_at", "started_at", "finished_at", "progress", "error")
    readonly_fields = fields
    actions = ("abandon_selected",)

    @admin.action(
        description="Mark selected queued or running jobs failed (their worker stopped)", permissions=("abandon",)
    )
    def abandon_selected(self, request, queryset):
        abandoned = abandon_jobs(queryset, user=request.user)
        self.message_user(request, f"{abandoned} job(s) marked failed.", messages.SUCCESS)

    def has_abandon_permission(self, request):
        return may_decide_ods_changes(request.user)  # superusers and the national role

    @admin.display(description="progress, result or error")
    def outcome(self, job):
        return job.error if job.state == BackgroundJob.State.FAILED else job.progress

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        allowed = permissions.editable_ics_ids(request.user)
        if allowed is None:
            return jobs
        visible = Q(started_by=request.user) | Q(ics__in=allowed)
        if may_decide_ods_changes(request.user):
            visible |= Q(kind=BackgroundJob.Kind.ODS_SYNC)
        return jobs.filter(visible)

    def has_module_permission(self, request):
        return permissions.is_staff_member(request.user) or may_decide_ods_changes(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or self.get_queryset(request).contains(obj))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
