"""One JSON shape for every API error.

    {"detail": "a sentence for people", "code": "machine_code", "errors": {"field": ["message"]}}

`errors` appears whenever a field or query parameter is at fault, and names each one
with its messages: every 400 (`non_field_errors` for a rule about several fields, the
parameter for an unknown or bad one), and a 404 for a record looked up by its slug or id
(`{"slug": ["No ICS with the slug 'x'."]}`). Errors about nothing the client sent (401,
403, 406, 409, 412, 429, 503) carry `detail` and `code` only. Model validation (`full_clean()`), database
constraint races (IntegrityError → 409, with the message of the rule the database
applied: ics_portal.core.database_rules) and protected deletes (→ 409) all land
here, so a client never sees a 500 for bad input. A database that cannot be reached
answers 503 with Retry-After (`code`: `service_unavailable`).
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler, set_rollback

from ics_portal.core.availability import DATABASE_ERRORS, RETRY_AFTER_SECONDS, UNAVAILABLE_CODE, UNAVAILABLE_DETAIL
from ics_portal.core.database_rules import refusal
from ics_portal.core.db_router import reading_from_a_replica

logger = logging.getLogger(__name__)

# Model-level errors that are really about one field: Django reports them as non-field errors.
NON_FIELD_CODES_TO_FIELD = {
    "second_chair": "role",
    "end_before_start": "end_date",
    "ods_code_format": "ods_code",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with another record."
    default_code = "conflict"


class NotFound(exceptions.NotFound):
    """A 404 naming the parameter at fault (the lookup in the path, a page past the end)."""

    def __init__(self, detail, *, parameter):
        super().__init__(detail)
        self.errors = {parameter: [str(detail)]}


class UnknownParameter(exceptions.APIException):
    """A query parameter the list does not take: a 400 naming it and the ones it does."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "unknown_parameter"

    def __init__(self, detail, *, errors):
        super().__init__(detail)
        self.errors = errors


def no_such(model, parameter: str, value) -> NotFound:
    """404 for a record looked up by `parameter` (its slug or id), named as people name it."""
    shown = str(value) if len(str(value)) <= 80 else str(value)[:80] + "…"
    return NotFound(f"No {model._meta.verbose_name} with the {parameter} '{shown}'.", parameter=parameter)


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = UNAVAILABLE_DETAIL
    default_code = UNAVAILABLE_CODE
    # DRF's handler turns `wait` into Retry-After, as it does for a throttled request.
    wait = RETRY_AFTER_SECONDS


def django_validation_to_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    """Field errors from a Django ValidationError, moving known rule errors onto the field they are about."""
    if not hasattr(exc, "error_dict"):
        exc = DjangoValidationError({"__all__": exc.error_list})
    errors: dict[str, list[str]] = {}
    for name, field_errors in exc.error_dict.items():
        for error in field_errors:
            target = name
            if name == "__all__":
                target = NON_FIELD_CODES_TO_FIELD.get(error.code, "non_field_errors")
            errors.setdefault(target, []).extend(error.messages)
    return serializers.ValidationError(errors)


def _summary(errors) -> str:
    if isinstance(errors, dict):
        parts = []
        for name, messages in errors.items():
            text = _summary(messages)
            parts.append(text if name == "non_field_errors" else f"{name}: {text}")
        return "; ".join(parts)
    if isinstance(errors, list):
        return " ".join(_summary(item) for item in errors)
    return str(errors)


def portal_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, Http404):  # as DRF's handler does, but first, so that the code is "not_found"
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict("Other records still refer to this one; remove or move them first.", code="protected")
    elif isinstance(exc, DATABASE_ERRORS):
        if reading_from_a_replica():
            return None  # raised again, for ReplicaReadsMiddleware to answer from the primary
        logger.warning("Database unavailable for %s: %s", context["request"].path, exc)
        exc = ServiceUnavailable()
    elif isinstance(exc, IntegrityError):
        # A race with another write, or a rule checked at commit: the rule's own message where it is known.
        found = refusal(exc)
        exc = Conflict(
            f"{found.message} Nothing was saved."
            if found
            else "The change breaks a rule of the database; nothing was saved."
        )

    response = exception_handler(exc, context)
    if response is None:
        return None
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": f"Invalid input: {_summary(errors)}", "code": "invalid", "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"detail": str(detail), "code": codes if isinstance(codes, str) else "error"}
        if getattr(exc, "errors", None):
            response.data["errors"] = exc.errors
    if isinstance(exc, ServiceUnavailable):
        # An outage must not be kept by a client or a cache in front of the portal.
        add_never_cache_headers(response)
    return response
