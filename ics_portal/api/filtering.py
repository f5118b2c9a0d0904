"""Filtering and ordering for every list.

- `PortalFilterBackend`: django-filter, plus filters fixed by the URL (the ICS in
  /icss/{slug}/partners/), so a nested list reuses the top-level list's FilterSet.
  A list of dated records is what is true today unless `as_at` names another day, or
  `include=all` (or `modified_since`, a sync) asks for every row, past and future too.
- `StableOrderingFilter`: whatever order the client asks for ends with the primary
  key, so pages never repeat or skip a row, and text sorts case-insensitively; an unknown
  field is a 400.
- `check_list_parameters`: a parameter no list knows is a 400 naming the ones it does,
  not silently ignored (`?current=true` would otherwise list everything).
"""

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from ics_portal.api.exceptions import UnknownParameter
from ics_portal.core.filters import DatedFilterSet

AS_AT = "as_at"
INCLUDE = "include"
INCLUDE_ALL = "all"
MODIFIED_SINCE = "modified_since"
FORMAT = "format"
AS_AT_DESCRIPTION = "Rows in force on this day (YYYY-MM-DD). Without it (and without include=all), rows in force today."
INCLUDE_DESCRIPTION = "all: every row, ended and future ones too (not with as_at). Default: rows in force today."


def is_dated(filterset_class) -> bool:
    return filterset_class is not None and AS_AT in filterset_class.base_filters


def includes_all(request) -> bool:
    """True for `include=all`; 400 for another value, or for `include=all` with `as_at`."""
    raw = request.query_params.get(INCLUDE)
    if not raw:
        return False
    if raw != INCLUDE_ALL:
        message = f"Use include={INCLUDE_ALL} (every row, past and future too), or leave it out."
        raise ValidationError({INCLUDE: [message]})
    if request.query_params.get(AS_AT):
        raise ValidationError({INCLUDE: [f"Give as_at or include={INCLUDE_ALL}, not both."]})
    return True


def todays_list(request, view, filterset_class=None) -> bool:
    """A list of dated records with no day asked for, nor every row, nor a filter that picks by date itself:
    `modified_since` (a sync sees every change, rows that ended too) or the FilterSet's `chooses_by_date`
    (an organisation's `active`)."""
    filterset_class = filterset_class or getattr(view, "filterset_class", None)
    if getattr(view, "action", None) != "list" or not is_dated(filterset_class):
        return False
    by_date = (AS_AT, MODIFIED_SINCE, *getattr(filterset_class, "chooses_by_date", ()))
    return not (any(request.query_params.get(name) for name in by_date) or includes_all(request))


def asks_for_a_filter(request, filterset_class) -> bool:
    """Whether any query parameter may belong to one of the FilterSet's filters."""
    return any(key.startswith(name) for key in request.query_params for name in filterset_class.base_filters)


def allowed_list_parameters(view) -> list[str]:
    """The query parameters a list takes: its filters (less those fixed by the URL), `include` for dated
    records, ordering, paging, format, and any the view declares in `extra_query_parameters`."""
    filterset_class = getattr(view, "filterset_class", None)
    fixed = getattr(view, "fixed_filters", ())
    names = [name for name in (filterset_class.base_filters if filterset_class else ()) if name not in fixed]
    if is_dated(filterset_class):
        names.append(INCLUDE)
    if getattr(view, "ordering_fields", None) and StableOrderingFilter in view.filter_backends:
        names.append(StableOrderingFilter.ordering_param)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names += [paginator.page_query_param, paginator.page_size_query_param]
    return [*names, FORMAT, *getattr(view, "extra_query_parameters", ())]


def check_list_parameters(request, view):
    allowed = allowed_list_parameters(view)
    unknown = [name for name in request.query_params if name not in allowed]
    if unknown:
        listed = ", ".join(allowed)
        raise UnknownParameter(
            f"Unknown parameter {', '.join(repr(name) for name in unknown)}. Allowed: {listed}.",
            errors={name: [f"Unknown parameter. Allowed: {listed}."] for name in unknown},
        )
    if INCLUDE in allowed:
        includes_all(request)


class PortalFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        """With no filter in the query string, the FilterSet would return the queryset as it is, or today's rows.

        Building its form and running it costs ~1.3 ms per request (a tenth of the 100-row partner
        list, bench/run), so it is skipped when no parameter can belong to a filter and the
        FilterSet filters the standard way (no `filter_queryset` of its own, nothing fixed by the URL):
        a list of dated records then takes the rows in force today as its `as_at` filter would.
        """
        filterset_class = self.get_filterset_class(view, queryset)
        if (
            filterset_class is not None
            and getattr(view, "fixed_filter_data", None) is None
            and filterset_class.filter_queryset is django_filters.FilterSet.filter_queryset
            and not asks_for_a_filter(request, filterset_class)
        ):
            if not todays_list(request, view, filterset_class):
                return queryset
            if filterset_class.filter_as_at is DatedFilterSet.filter_as_at:
                return queryset.as_at(timezone.localdate())
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        fixed = getattr(view, "fixed_filter_data", None)
        today = todays_list(request, view, self.get_filterset_class(view, queryset))
        if fixed is not None or today:
            data = kwargs["data"].copy()
            for name, value in (fixed() if fixed is not None else {}).items():
                data[name] = value
            if today:
                data[AS_AT] = timezone.localdate().isoformat()
            kwargs["data"] = data
        return kwargs


class StableOrderingFilter(OrderingFilter):
    ordering_description = "Sort by one or more comma-separated fields; prefix with - for descending."

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = [name for name, _ in self.get_valid_fields(view.get_queryset(), view)]
        default = ",".join(getattr(view, "ordering", None) or [])
        for parameter in parameters:
            parameter["description"] = (
                f"{self.ordering_description} Fields: {', '.join(fields)}. Default: {default}. "
                "Ties are broken by id, so pages are stable."
            )
        return parameters

    def remove_invalid_fields(self, queryset, fields, view, request):
        """The fields asked for, all of them known (blank terms of a trailing comma aside); else a 400."""
        valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        terms = [term for term in fields if term]
        unknown = [term for term in terms if term.removeprefix("-") not in valid]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Unknown field {', '.join(repr(term) for term in unknown)}. Allowed: {', '.join(valid)} "
                        "(prefix - for descending)."
                    ]
                }
            )
        return terms

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not request.user.is_authenticated and _has_field(queryset.model, "public_modified_at"):
            # The public sees public_modified_at as modified_at: ordering by the real one would show draft edits.
            public = {"modified_at": "public_modified_at", "-modified_at": "-public_modified_at"}
            ordering = [public.get(field, field) for field in ordering]
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            ordering.append("pk")
        return [_case_insensitive(queryset.model, field) for field in ordering]


def _case_insensitive(model, field: str):
    """A text field as Lower(field), so "Barking" sorts before "BCP Council" whatever the database's collation."""
    path = field.lstrip("-")
    if not isinstance(_field_at(model, path), models.CharField | models.TextField):
        return field
    return Lower(path).desc() if field.startswith("-") else Lower(path).asc()


def _field_at(model, path: str):
    """The model field at the end of `path` ("organisation__name"), or None when it names none (an annotation)."""
    field = None
    for name in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field


def _has_field(model, name) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)
