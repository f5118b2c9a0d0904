"""The database's refusal of a write, as the message of the rule it broke, found by the rule's name.

Forms and serializers check every rule before writing (docs/adr/0002), so the database refuses a
write only when it raced another (both passed validation, the other committed first) or broke a
rule that is checked at commit (a deferred trigger) and was not asked first. Either way the user
gets the rule's message, never a 500: the admin and the API hand the IntegrityError to `refusal()`,
which names the rule by its constraint:

- a constraint a model declares (`Meta.constraints`): its `violation_error_message`;
- a field's `unique=True`, or an automatic many-to-many table's pair: Django's "… with this … already exists.";
- a rule a trigger checks (it raises with `CONSTRAINT = '<name>'`): the message its app registered
  with `register_trigger_rule()`.

An error from no known rule is not a refusal: it stays the error it is.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError

_TRIGGER_RULES: dict[str, str] = {}
_KEY_COLUMNS = re.compile(r"^Key \((?P<columns>[^)]+)\)=")


@dataclass(frozen=True)
class Refusal:
    """The rule the database applied (`constraint`, its name) and what the user is told."""

    constraint: str
    message: str


def register_trigger_rule(name: str, message: str) -> None:
    """A rule a trigger checks (raised with CONSTRAINT = `name`), and the message its refusal gives."""
    _TRIGGER_RULES[name] = message


def trigger_rules() -> dict[str, str]:
    return dict(_TRIGGER_RULES)


def refusal(error: IntegrityError) -> Refusal | None:
    """The rule behind `error`, with its message; None when the error names no rule the portal knows."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if not name:
        return None
    if name in _TRIGGER_RULES:
        return Refusal(name, _TRIGGER_RULES[name])
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return Refusal(name, constraint.get_violation_error_message())
    message = _unique_field_message(diag)
    return Refusal(name, message) if message else None


def _unique_field_message(diag) -> str | None:
    """A field's own unique=True (or a many-to-many table's unique pair), named by Django's schema editor:
    the message its form would give."""
    model = next((m for m in apps.get_models() if m._meta.db_table == diag.table_name), None)
    key = _KEY_COLUMNS.match(getattr(diag, "message_detail", None) or "")
    if model is None or key is None:
        return None
    columns = [column.strip().strip('"') for column in key["columns"].split(",")]
    names = tuple(f.name for f in model._meta.concrete_fields if f.column in columns)
    unique = {(f.name,) for f in model._meta.concrete_fields if f.unique} | set(model._meta.unique_together)
    if names not in unique:
        return None
    return " ".join(model().unique_error_message(model, names).messages)
