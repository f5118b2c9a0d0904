"""Who may edit and publish which ICS's records."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ics_portal.core.models import IcsOwned
from places.models import IntegratedCareSystem


class StaffRole(IcsOwned, models.Model):
    """A staff user's role in one ICS.

    An *editor* changes that ICS's places, partnerships, boards, memberships,
    meetings and MoUs; a *publisher* is an editor who may also publish drafts
    (MoUs, documents, meeting minutes). Superusers need no role: they may do
    anything. See docs/adr/0004-staff-roles-and-shared-records.md.
    """

    class Role(models.TextChoices):
        EDITOR = "editor", "Editor"
        PUBLISHER = "publisher", "Publisher"

    ics_path = "ics"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    ics = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.CASCADE, related_name="staff_roles", verbose_name="ICS"
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.EDITOR,
        help_text="Editors change this ICS's records; publishers may also publish drafts. Granting a role makes "
        "the user staff, so they may sign in here; withdrawing it leaves their staff status as it is.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "staff role"
        ordering = ["ics", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "ics"], name="staff_staffrole_one_role_per_ics"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.ics}"


class BackgroundJob(IcsOwned, models.Model):
    """One run of a slow job (the ODS sync, a partner-list import) on the queue: who started it, where it is,
    and how it ended, for staff to follow in the admin (staff.jobs; docs/adr/0011). An import belongs to the
    ICS it imports into; a sync to none (it is national).
    """

    ics_path = "ics"

    class Kind(models.TextChoices):
        ODS_SYNC = "ods_sync", "ODS sync"
        PARTNER_IMPORT = "partner_import", "Partner list import"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ics = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="ICS"
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=200, blank=True, help_text="Its last step, or its result once done.")
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "background job"
        ordering = ["-queued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="ods_sync", state__in=["queued", "running"]),
                name="staff_backgroundjob_one_ods_sync_at_a_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
