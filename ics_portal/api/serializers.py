"""Base serializer: API URL, page URL, and the model's own validation on every write."""

import copy
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import NoReverseMatch, get_script_prefix, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from ics_portal.api.exceptions import django_validation_to_drf

# Fields every portal record carries and nobody writes.
AUDIT_FIELDS = ("provenance", "created_at", "modified_at")


def absolute(request, path: str | None) -> str | None:
    if path is None:
        return None
    return request.build_absolute_uri(path) if request is not None else path


_PLAIN_VALUE = re.compile(r"^[-A-Za-z0-9_]+$")
_URL_TEMPLATES: dict[tuple, str] = {}


def api_url(request, viewname: str, **kwargs) -> str:
    """An absolute API URL without the request's `?format=`: links name the record, not a rendering of it.

    reverse() on the router's URLs costs ~0.1 ms, which a 100-row list pays 100 times
    (bench/run, issue 6); so each URL pattern is reversed once, with markers, and
    slugs and ids are put into that template. Anything else still goes through reverse().
    """
    values = {name: str(value) for name, value in kwargs.items()}
    if not all(_PLAIN_VALUE.match(value) for value in values.values()):
        return absolute(request, reverse(viewname, kwargs=kwargs))
    key = (get_script_prefix(), viewname, tuple(sorted(values)))
    template = _URL_TEMPLATES.get(key)
    if template is None:
        try:
            template = reverse(viewname, kwargs={name: f"__{name}__" for name in values})
        except NoReverseMatch:  # a converter that refuses the marker (e.g. <int:pk>)
            return absolute(request, reverse(viewname, kwargs=kwargs))
        _URL_TEMPLATES[key] = template
    path = template
    for name, value in values.items():
        path = path.replace(f"__{name}__", value)
    return absolute(request, path)


class ApiLink(serializers.HyperlinkedIdentityField):
    """The record's own API URL (`url`)."""

    def __init__(self, view_name, **kwargs):
        kwargs.setdefault("help_text", "This record in the API.")
        super().__init__(view_name, **kwargs)
        self.reverse = lambda viewname, kwargs=None, request=None, format=None: api_url(request, viewname, **kwargs)


class _NoBlank:
    """DRF reads "" as null for relations (an HTML form habit); a JSON client means null by null."""

    def run_validation(self, data=empty):
        if data == "":
            raise serializers.ValidationError("Give a value, or null for none; not an empty string.", code="blank")
        return super().run_validation(data)


class SlugLink(_NoBlank, serializers.SlugRelatedField):
    """A related record by its slug."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)


class IdLink(_NoBlank, serializers.PrimaryKeyRelatedField):
    """A related record by its id (for records whose slug is unique only within a parent)."""


class PortalSerializer(serializers.ModelSerializer):
    """A record as the API shows it.

    `url` is the record in this API; `page_url` the public page that shows it (for
    records with no page of their own, the page they are listed on). Writes run
    the model's `full_clean()`, so the API enforces the same rules as the admin and
    the database, and answers 400 naming the field instead of a 500.
    """

    page_url = serializers.SerializerMethodField(help_text="The public page that shows this record.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj) -> str | None:
        try:
            path = self.page_path(obj)
        except NoReverseMatch:  # The page does not exist (yet): say so rather than fail.
            return None
        return absolute(self.context.get("request"), path)

    def page_path(self, obj) -> str | None:
        return obj.get_absolute_url()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as exc:
            raise django_validation_to_drf(exc) from exc
        for name in attrs:  # clean() may normalise values, e.g. ODS codes to capitals.
            attrs[name] = getattr(candidate, name)
        self.candidate = candidate
        return attrs
