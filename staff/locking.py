"""Optimistic locking on `modified_at`: no edit silently overwrites a colleague's.

A form (admin or API) carries the `modified_at` of the version it was loaded
from. Saving is refused when the row's `modified_at` has moved on since, with a
message naming who changed what. No schema change: every PortalModel already
has `modified_at` (auto_now) and a django-simple-history table whose rows copy it.

A refused admin form is shown again holding the colleague's version with the user's
own changes on top, and the newer stamp: saving it again applies theirs deliberately.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import capfirst

from .history import changes_between

LOCK_FIELD = "loaded_modified_at"


class EditConflict(ValidationError):
    """Someone else saved the record after it was loaded: `loaded` is the version the form came from
    (a historical record, None when its history does not hold it) and `current` the record as saved now."""

    def __init__(self, message, code=None, *, loaded=None, current=None):
        super().__init__(message, code=code)
        self.loaded, self.current = loaded, current


def parse_stamp(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError("The form's version stamp is not valid; reload the page.", code="bad_stamp") from None


def _versions_since(model, pk, loaded: datetime.datetime):
    """The version stamped `loaded` and those saved after it, oldest first ([] when history lacks it)."""
    history = getattr(model, "history", None)
    if history is None:
        return []
    versions = list(
        history.filter(**{model._meta.pk.attname: pk}, modified_at__gte=loaded)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    base = next((i for i in reversed(range(len(versions))) if versions[i].modified_at == loaded), None)
    return [] if base is None else versions[base:]


def _describe(versions) -> list[str]:
    """Lines such as "Status: Draft → Agreed" after "MoU “…” was changed by ann at 14:02", from the first
    of `versions` (the one loaded) to the last."""
    if len(versions) < 2:
        return []
    base, later = versions[0], versions[1:]
    latest = later[-1]
    who = ", ".join(sorted({str(v.history_user) for v in later if v.history_user_id})) or "someone"
    when = timezone.localtime(latest.history_date).strftime("%d %b %Y %H:%M")
    name = f"{capfirst(latest.instance_type._meta.verbose_name)} “{latest.instance}”"
    lines = [f"{change.field}: {change.old} → {change.new}" for change in changes_between(base, latest)]
    return [f"{name} was changed by {who} at {when}.", *lines]


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
        versions = _versions_since(model, instance.pk, loaded)
        main = (
            "Someone else saved this record after you opened it, so your changes were NOT saved "
            "(nothing of theirs was overwritten)."
        )
        again = "The form now shows their version with your changes on top: check it, then save again to apply yours."
        lines = (main, *_describe(versions), again)
        raise EditConflict(
            [ValidationError(line, code="edit_conflict") for line in lines],
            loaded=versions[0] if versions else None,
            current=model._default_manager.get(pk=instance.pk),
        )


def _as_data(widget, name: str, value) -> dict[str, list[str]]:
    """The POST data a browser sends for `widget` showing `value` (a form field's prepared value)."""
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
        data = {}
        for subwidget, suffix, part in zip(widget.widgets, widget.widgets_names, parts, strict=True):
            data.update(_as_data(subwidget, name + suffix, part))
        return data
    if isinstance(widget, forms.CheckboxInput):
        return {name: ["on"] if widget.check_test(value) else []}
    formatted = widget.format_value(value)
    if formatted is None:
        return {name: [""]}
    return {name: [str(item) for item in formatted] if isinstance(formatted, list) else [str(formatted)]}


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
        if LOCK_FIELD in self.fields and self.instance.pk is not None and self.lock_applies():
            try:
                check_not_modified(self.instance, cleaned.get(LOCK_FIELD))
            except EditConflict as conflict:
                if conflict.current is not None:
                    self._put_their_version_under_mine(conflict.loaded, conflict.current)
                raise
        return cleaned

    def lock_applies(self) -> bool:
        return True

    def _put_their_version_under_mine(self, loaded, current) -> None:
        """Show again: the current record's values where the user left the loaded version's as they were,
        the user's where they changed them, and the current stamp, so that saving again puts the user's
        changes on top of the colleague's."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        for name, field in self.fields.items():
            model_field = self._model_field(name)
            if model_field is None or isinstance(field, forms.FileField):
                continue
            if loaded is not None and field.has_changed(
                model_field.value_from_object(loaded.instance), self[name].data
            ):
                continue  # the user changed it: kept as they typed it
            value = field.prepare_value(model_field.value_from_object(current))
            for key, values in _as_data(field.widget, self.add_prefix(name), value).items():
                data.setlist(key, values)
        data[self.add_prefix(LOCK_FIELD)] = current.modified_at.isoformat()
        self.data = data

    def _model_field(self, name):
        try:
            field = self.instance._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return field if field.concrete and not field.many_to_many else None


class OptimisticLockRowMixin(OptimisticLockFormMixin):
    """For an inline's rows: a row sent back as it is stored now is not saved, so it is not checked."""

    def lock_applies(self) -> bool:
        return self.has_changed()
