"""Optimistic locking on `modified_at`: no edit silently overwrites a colleague's.

A form (admin or API) carries the `modified_at` of the version it was loaded
from. Saving is refused when the row's `modified_at` has moved on since, with a
message naming who changed what. No schema change: every PortalModel already
has `modified_at` (auto_now) and a django-simple-history table whose rows copy it.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

LOCK_FIELD = "loaded_modified_at"


class EditConflict(ValidationError):
    """Someone else saved the record after it was loaded."""


def parse_stamp(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError("The form's version stamp is not valid; reload the page.", code="bad_stamp") from None


def describe_changes(model, pk, loaded: datetime.datetime) -> list[str]:
    """Lines such as "Status: 'draft' → 'agreed' (by ann, 14:02)" between the loaded and the current version."""
    history = getattr(model, "history", None)
    if history is None:
        return []
    versions = list(history.filter(**{model._meta.pk.attname: pk}).order_by("history_date", "history_id"))
    base = next((v for v in reversed(versions) if v.modified_at == loaded), None)
    if base is None:
        return []
    later = [v for v in versions if v.history_date > base.history_date]
    if not later:
        return []
    latest = later[-1]
    who = ", ".join(sorted({str(v.history_user) for v in later if v.history_user_id})) or "someone"
    when = timezone.localtime(latest.history_date).strftime("%d %b %Y %H:%M")
    lines = []
    for change in latest.diff_against(base).changes:
        if change.field == "modified_at":
            continue
        label = model._meta.get_field(change.field).verbose_name
        lines.append(f"{label.capitalize()}: {change.old!r} → {change.new!r}")
    return [f"Changed by {who} at {when}.", *lines]


def check_not_modified(instance, loaded) -> None:
    """Raise EditConflict if `instance`'s row changed after `loaded` (its modified_at then).

    Call inside the saving transaction: the row is locked (SELECT … FOR UPDATE) so
    nobody can slip a save in between the check and this save.
    """
    loaded = parse_stamp(loaded)
    if instance.pk is None or loaded is None:
        return
    model = type(instance)
    current = model._default_manager.select_for_update().filter(pk=instance.pk).values_list("modified_at", flat=True)
    current = next(iter(current), None)
    if current is None:
        raise EditConflict("Someone deleted this record after you opened it; nothing was saved.", code="deleted")
    if current != loaded:
        lines = describe_changes(model, instance.pk, loaded)
        main = (
            "Someone else saved this record after you opened it, so your changes were NOT saved "
            "(nothing of theirs was overwritten). Reload the page to see their version, then make your changes again."
        )
        raise EditConflict([ValidationError(line, code="edit_conflict") for line in (main, *lines)])


class OptimisticLockFormMixin(forms.Form):
    """Add to a ModelForm: a hidden stamp of the loaded version, checked on save."""

    loaded_modified_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(LOCK_FIELD)
        if field is not None and self.instance.pk is not None:
            stamp = getattr(self.instance, "_lock_modified_at", None) or self.instance.modified_at
            field.initial = stamp.isoformat() if stamp else ""
            field.required = True

    def clean(self):
        cleaned = super().clean()
        if LOCK_FIELD in self.fields and self.instance.pk is not None:
            check_not_modified(self.instance, cleaned.get(LOCK_FIELD))
        return cleaned
