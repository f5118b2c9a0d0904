"""Base serializer: API URL, page URL, and the model's own validation on every write.

Every URL a serializer writes comes from `build_url()`.
"""

import copy
import datetime
import inspect
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.manager import BaseManager
from django.urls import NoReverseMatch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from ics_portal.api.exceptions import django_validation_to_drf
from ics_portal.core.reverse import Reverser, fast_reverse

# Fields every portal record carries and nobody writes.
AUDIT_FIELDS = ("provenance", "created_at", "modified_at")


_PLAIN_PATH = re.compile(r"^/[-A-Za-z0-9_/.]*$")
_MISSING = object()


def build_url(request, viewname: str, /, **kwargs) -> str:
    """`request.build_absolute_uri(reverse(viewname, kwargs=kwargs))`, the one way a serializer writes a URL.

    The path is fast_reverse()'s, from a Reverser made once per request; for a plain path, the
    request's origin (also worked out once) goes in front. Without a request, the path. A URL
    never carries the request's `?format=`: links name the record, not a rendering of it.
    """
    if request is None:
        return fast_reverse(viewname, **kwargs)
    reverse = getattr(request, "_portal_reverser", None)
    if reverse is None:
        reverse = request._portal_reverser = Reverser()
    path = reverse(viewname, **kwargs)
    if not _PLAIN_PATH.match(path) or path.startswith("//"):
        return request.build_absolute_uri(path)
    origin = getattr(request, "_portal_origin", None)
    if origin is None:
        origin = request._portal_origin = request.build_absolute_uri("/")[:-1]
    return origin + path


def _takes_no_arguments(method) -> bool:
    """Whether `method`, a model's attribute, is a method DRF would call with no arguments (is_simple_callable)."""
    if not inspect.isfunction(method):
        return False
    parameters = list(inspect.signature(method).parameters.values())[1:]  # after self
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


def _iso_in_current_zone(field) -> bool:
    """True when DRF writes this DateTimeField as ISO 8601 in the current time zone (the default)."""
    fmt = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return settings.USE_TZ and not hasattr(field, "timezone") and isinstance(fmt, str) and fmt.lower() == ISO_8601


def _datetime_reader(name, field):
    """DateTimeField.to_representation for aware datetimes, with the current zone looked up once.

    An offset of whole minutes always: OpenAPI's date-time (RFC 3339) has no seconds in an offset, which
    Europe/London had before 1847 (-00:01:15). Such a moment is given in UTC. Stored dates are held to
    1948-2099 (ics_portal/core/date_range.py), so this is a guard, not a path any row takes.
    """
    zone = timezone.get_current_timezone()

    def read_datetime(obj):
        value = getattr(obj, name)
        if value is None or value.tzinfo is None:
            return None if value is None else field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        if text[-6] == ":":  # ±HH:MM:SS
            text = value.astimezone(datetime.UTC).isoformat()
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

    # The docstring above is also the OpenAPI description of the nested serializers that have none of their
    # own (drf-spectacular reads it through the class hierarchy), so changing it changes /api/v1/schema/.
    # tests/api/test_fast_path.py compares this path with DRF's, byte for byte.

    def _row_readers(self):
        readers = self.__dict__.get("_row_readers_cache")
        if readers is None:
            # A list leaves out the nested rows shown on a single record only (OnDetailOnly): not read at all,
            # rather than read and skipped row by row.
            in_list = self.context.get("in_list")
            readers = self._row_readers_cache = [
                (f.field_name, self._reader(f))
                for f in self._readable_fields
                if not (in_list and getattr(f, "detail_only", False))
            ]
        return readers

    def _reader(self, field):
        request = self.context.get("request")
        if isinstance(field, serializers.SerializerMethodField):
            return getattr(self, field.method_name)
        if isinstance(field, ApiLink) and field.source == "*" and request is not None:
            # DRF's HyperlinkedIdentityField.to_representation, less its Hyperlink wrapper (a str all the same).
            get_url, view_name = field.get_url, field.view_name
            return lambda obj: get_url(obj, view_name, request, None)
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
        if type(field) is serializers.CharField and _takes_no_arguments(getattr(model, name, None)):
            # A method as the source (`get_region_display`): DRF calls it, after asking inspect.signature()
            # whether it may, for every row (~30 µs); whether it may depends on the method alone.
            to_representation = field.to_representation

            def read_method(obj):
                value = getattr(obj, name)()
                return None if value is None else to_representation(value)

            return read_method
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
        if isinstance(field, RelatedUrl) and model_field.many_to_one:
            related_url = field.to_representation

            def read_related_url(obj):
                related = getattr(obj, name)
                return None if related is None else related_url(related)

            return read_related_url
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

    def get_url(self, obj, view_name, request, format):
        if obj.pk in (None, ""):  # not saved yet
            return None
        return build_url(request, view_name, **{self.lookup_url_kwarg: getattr(obj, self.lookup_field)})


@extend_schema_field(OpenApiTypes.URI)
class RelatedUrl(serializers.Field):
    """The API URL of a related record, beside its slug or id: `place_url` beside `place`. Null with no record.

    `source` is the relation, whose `lookup_field` (its slug) goes in the URL; for a record found by id,
    `lookup_field="pk"` and `source` the relation's id column (`meeting_id`), so no row is loaded for it.
    """

    def __init__(self, view_name, *, lookup_field="slug", **kwargs):
        self.view_name, self.lookup_field = view_name, lookup_field
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if self.help_text is None:  # `place_url`: "The place in this API."
            self.help_text = f"The {field_name.removesuffix('_url').replace('_', ' ')} in this API."

    def to_representation(self, value):
        key = value if self.lookup_field == "pk" else getattr(value, self.lookup_field)
        return build_url(self.context.get("request"), self.view_name, **{self.lookup_field: key})


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


class OnDetailOnly(serializers.ListSerializer):
    """Nested rows shown on a single record and left out of lists (`in_list` in the serializer's context, set by
    the viewset), which then need no query for them. The schema marks the field optional (PortalAutoSchema).

    Use as the nested serializer's `Meta.list_serializer_class`. Its own to_representation() keeps the fast path
    (RowRepresentation) on DRF's reading, which honours SkipField.
    """

    detail_only = True

    def get_attribute(self, instance):
        if self.context.get("in_list"):
            raise SkipField
        return super().get_attribute(instance)

    def to_representation(self, data):
        return super().to_representation(data)


class PortalSerializer(RowRepresentation, serializers.ModelSerializer):
    """A record as the API shows it.

    `url` is the record in this API; `page_url` the public page that shows it (for
    records with no page of their own, the page they are listed on). Writes run
    the model's `full_clean()`, so the API enforces the same rules as the admin and
    the database, and answers 400 naming the field instead of a 500.
    """

    page_url = serializers.SerializerMethodField(help_text="The public page that shows this record.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj) -> str | None:
        viewname, kwargs = self.page_view(obj)
        try:
            return build_url(self.context.get("request"), viewname, **kwargs)
        except NoReverseMatch:  # The page does not exist (yet): say so rather than fail.
            return None

    def page_view(self, obj) -> tuple[str, dict]:
        """The view name and URL kwargs of the page that shows `obj`.

        For a record with a page of its own, what its `get_absolute_url()` reverses
        (tests/api/test_fast_path.py holds them equal); else the page that lists it.
        """
        raise NotImplementedError

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as exc:
            raise self._named_as_in_api(django_validation_to_drf(exc)) from exc
        for name in attrs:  # clean() may normalise values, e.g. ODS codes to capitals.
            attrs[name] = getattr(candidate, name)
        self.candidate = candidate
        return attrs

    def _named_as_in_api(self, error: serializers.ValidationError) -> serializers.ValidationError:
        """The model's errors under the API's names for its fields (`ons_code`, not the model's `gss_code`)."""
        renamed = {
            field.source: name
            for name, field in self.fields.items()
            if not field.read_only and field.source not in (name, "*")
        }
        if not renamed or not isinstance(error.detail, dict):
            return error
        return serializers.ValidationError({renamed.get(key, key): value for key, value in error.detail.items()})
