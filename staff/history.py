"""Versions of a record (django-simple-history) as a clerk reads them.

A change names the field by its label, a choice by its display value and a related record
by its name; an empty value reads "(empty)", never "None". The History pages, their
comparison of two versions and the message refusing a save over a colleague's all say it so.
"""

from __future__ import annotations

import dataclasses

from django.contrib.admin.utils import display_for_field
from django.db import models
from django.utils.text import capfirst
from simple_history.models import DeletedObject

EMPTY = "(empty)"

# Stamped on every save: a change of it alone is not a change a clerk made.
UNSHOWN = {"modified_at"}


@dataclasses.dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


def display_value(field: models.Field, value) -> str:
    """`value` of `field` as the admin's forms would label it."""
    if isinstance(value, DeletedObject):  # simple-history's stand-in for a related record not found
        if value.pk is None:
            return EMPTY
        return f"a deleted {value.model._meta.verbose_name}"
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):  # a many-to-many field's related records
        return ", ".join(str(item) for item in value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if field.is_relation or isinstance(field, models.FileField):
        return str(value)
    return str(display_for_field(value, field, EMPTY))


def changes_between(older, newer) -> list[FieldChange]:
    """What changed, field by field, from the historical record `older` to `newer` (in either order)."""
    model = newer.instance_type
    delta = newer.diff_against(older, foreign_keys_are_objs=True)
    changes = []
    for change in delta.changes:
        if change.field in UNSHOWN:
            continue
        field = model._meta.get_field(change.field)
        label = capfirst(field.verbose_name)
        changes.append(FieldChange(label, display_value(field, change.old), display_value(field, change.new)))
    return changes
