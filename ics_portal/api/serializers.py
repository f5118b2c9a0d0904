"""Base serializer: API URL, page URL, and the model's own validation on every write."""

import copy
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.manager import BaseManager
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from ics_portal.api.exceptions import django_validation_to_drf
from ics_portal.core.reverse import PLAIN_VALUE, fast_reverse, url_template

# Fields every portal record carries and nobody writes.
AUDIT_FIELDS = ("provenance", "created_at", "modified_at")


_PLAIN_PATH = re.compile(r"^/[-A-Za-z0-9_/.]*$")
_MISSING = object()


def absolute(request, path: str | None) -> str | None:
    """`request.build_absolute_uri(path)`; for a plain path, the request's origin (worked out once) + path."""
    if path is None:
        return None
    if request is None:
        return path
    if not _PLAIN_PATH.match(path) or path.startswith("//"):
        return request.build_absolute_uri(path)
    origin = getattr(request, "_portal_origin", None)
    if origin is None:
        origin = request._portal_origin = request.build_absolute_uri("/")[:-1]
    return origin + path


def api_url(request, viewname: str, **kwargs) -> str:
    """An absolute API URL without the request's `?format=`: links name the record, not a rendering of it."""
    return absolute(request, fast_reverse(viewname, **kwargs))


def _iso_in_current_zone(field) -> bool:
    """True when DRF writes this DateTimeField as ISO 8601 in the current time zone (the default)."""
    fmt = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return settings.USE_TZ and not hasattr(field, "timezone") and isinstance(fmt, str) and fmt.lower() == ISO_8601


def _datetime_reader(name, field):
    """DateTimeField.to_representation for aware datetimes, with the current zone looked up once."""
    zone = timezone.get_current_timezone()

    def read_datetime(obj):
        value = getattr(obj, name)
        if value is None or value.tzinfo is None:
            return None if value is None else field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return read_datetime


_FIELD_TEMPLATES: dict[type, dict] = {}


def _copy_field(field):
    holds_fields = isinstance(field, serializers.BaseSerializer) or any(
        hasattr(field, name) for name in ("child", "child_relation")
    )
    return copy.deepcopy(field) if holds_fields else copy.copy(field)


class RowRepresentation:
    """A serializer's read representation built from plain attribute access, field by field.

    DRF's `Serializer.to_representation` costs ~57 us per row of a partner (get_attribute,
    the None check, to_representation, for every field): a 100-row list spent 6 ms there
    (bench/run, issue 6). This gives the same dict, with the same keys in the same order,
    by working out once per serializer instance how each field reads an instance: plain
    fields by getattr, slugs and ids of related records by attribute, method fields by
    calling the method, the record's API URL from its template. Any other field keeps
    DRF's own path, so the output is identical.
    """

    def _row_readers(self):
        readers = self.__dict__.get("_row_readers_cache")
        if readers is None:
            readers = self._row_readers_cache = [(f.field_name, self._reader(f)) for f in self._readable_fields]
        return readers

    def _reader(self, field):
        request = self.context.get("request")
        if isinstance(field, serializers.SerializerMethodField):
            if field.method_name == "get_page_url" and (reader := self._page_url_reader(request)) is not None:
                return reader
            return getattr(self, field.method_name)
        if isinstance(field, ApiLink) and field.source == "*" and request is not None:
            view_name, lookup_field, kwarg = field.view_name, field.lookup_field, field.lookup_url_kwarg
            template = url_template(view_name, (kwarg,))
            marker = f"__{kwarg}__"

            def read_link(obj):
                if obj.pk in (None, ""):
                    return None
                value = str(getattr(obj, lookup_field))
                if template is None or not PLAIN_VALUE.match(value):
                    return api_url(request, view_name, **{kwarg: value})
                return absolute(request, template.replace(marker, value))

            return read_link
        model = getattr(getattr(self, "Meta", None), "model", None)
        attrs = field.source_attrs
        if model is None or len(attrs) != 1 or field.default is not empty:
            return self._drf_reader(field)
        name = attrs[0]
        if (
            isinstance(field, serializers.ListSerializer)
            and type(field).to_representation is serializers.ListSerializer.to_representation
        ):  # nested rows (a meeting's agenda): the child's rows straight from the prefetched relation
            child_representation = field.child.to_representation

            def read_many(obj):
                related = getattr(obj, name)
                if related is None:
                    return None
                rows = related.all() if isinstance(related, BaseManager) else related
                return [child_representation(row) for row in rows]

            return read_many
        try:  # Only a model field is read as is: a method named as the source would be called by DRF.
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist, or a reverse relation
            return self._drf_reader(field)
        if isinstance(field, SlugLink) and model_field.many_to_one:
            slug_field = field.slug_field

            def read_slug(obj):
                related = getattr(obj, name)
                return None if related is None else getattr(related, slug_field)

            return read_slug
        if isinstance(field, IdLink) and model_field.many_to_one and field.pk_field is None:
            attname = model_field.attname
            return lambda obj: getattr(obj, attname)
        if not model_field.concrete or model_field.is_relation:
            return self._drf_reader(field)
        kind = type(field)
        if kind in (serializers.IntegerField, serializers.BooleanField) or (
            kind is serializers.BigIntegerField
            and not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        ):
            return lambda obj: getattr(obj, name)
        if kind is serializers.DateTimeField and _iso_in_current_zone(field):
            return _datetime_reader(name, field)
        if kind in (serializers.CharField, serializers.URLField, serializers.EmailField, serializers.SlugField):

            def read_str(obj):
                value = getattr(obj, name)
                return None if value is None else str(value)

            return read_str
        if kind is serializers.ChoiceField:  # ChoiceField.to_representation, with its mapping looked up once
            choices = field.choice_strings_to_values

            def read_choice(obj):
                value = getattr(obj, name)
                if value is None or value == "":
                    return value
                return choices.get(str(value), value)

            return read_choice
        if kind in (serializers.DateField, serializers.DateTimeField):
            to_representation = field.to_representation

            def read_value(obj):
                value = getattr(obj, name)
                return None if value is None else to_representation(value)

            return read_value
        return self._drf_reader(field)

    @staticmethod
    def _drf_reader(field):
        def read_with_drf(obj):  # DRF's Serializer.to_representation, for one field
            try:
                attribute = field.get_attribute(obj)
            except SkipField:
                return _MISSING
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            return None if check_for_none is None else field.to_representation(attribute)

        return read_with_drf

    def _page_url_reader(self, request):
        """`page_url` from `page_route`'s template, when the serializer declares one and keeps the default method."""
        route = getattr(self, "page_route", None)
        if route is None or type(self).get_page_url is not PortalSerializer.get_page_url:
            return None
        viewname, kwarg, attribute = route
        template = url_template(viewname, (kwarg,))
        if template is None:
            return None
        marker, method = f"__{kwarg}__", self.get_page_url

        def read_page_url(obj):
            value = str(getattr(obj, attribute))
            if not PLAIN_VALUE.match(value):
                return method(obj)
            return absolute(request, template.replace(marker, value))

        return read_page_url

    def get_fields(self):
        """ModelSerializer.get_fields() works the fields out from the model on every request (~0.1 ms);
        they depend on the class alone, so they are built once and copied, each request binding its own copies.

        DRF deep-copies fields, building each again from its arguments (~0.16 ms for a partner's 16). A field
        whose state is its own attributes only needs a shallow copy (~0.03 ms for all); one that holds other
        fields (a nested serializer, a list's child, a many-relation's child) is deep-copied, so that its
        children are bound to it and not to the template.
        """
        cls = type(self)
        template = _FIELD_TEMPLATES.get(cls)
        if template is None:
            template = _FIELD_TEMPLATES[cls] = super().get_fields()
        return {name: _copy_field(field) for name, field in template.items()}

    def reverse_path(self, viewname: str, **kwargs) -> str:
        """`reverse(viewname, kwargs=kwargs)` from the pattern's template, looked up once per serializer."""
        names = tuple(sorted(kwargs))
        memo = self.__dict__.setdefault("_url_templates", {})
        template = memo.get((viewname, names), _MISSING)
        if template is _MISSING:
            template = memo[viewname, names] = url_template(viewname, names)
        values = {name: str(value) for name, value in kwargs.items()}
        if template is None or not all(PLAIN_VALUE.match(value) for value in values.values()):
            return reverse(viewname, kwargs=kwargs)
        for name, value in values.items():
            template = template.replace(f"__{name}__", value)
        return template

    def to_representation(self, instance):
        row = {}
        for name, read in self._row_readers():
            value = read(instance)
            if value is not _MISSING:
                row[name] = value
        return row


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


class PortalSerializer(RowRepresentation, serializers.ModelSerializer):
    """A record as the API shows it.

    `url` is the record in this API; `page_url` the public page that shows it (for
    records with no page of their own, the page they are listed on). Writes run
    the model's `full_clean()`, so the API enforces the same rules as the admin and
    the database, and answers 400 naming the field instead of a 500.
    """

    page_url = serializers.SerializerMethodField(help_text="The public page that shows this record.")
    # (view name, URL kwarg, attribute) of the record's page when it is `obj.get_absolute_url()` by one
    # slug or id: `page_url` then comes from the URL pattern's template, not reverse() per row.
    page_route: tuple[str, str, str] | None = None

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj) -> str | None:
        try:
            path = self.page_path(obj)
        except NoReverseMatch:  # The page does not exist (yet): say so rather than fail.
            return None
        return absolute(self.context.get("request"), path)

    def page_path(self, obj) -> str | None:
        if self.page_route is not None:
            viewname, kwarg, attribute = self.page_route
            return self.reverse_path(viewname, **{kwarg: getattr(obj, attribute)})
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
