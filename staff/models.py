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
