"""OpenAPI: every operation documents its errors, conditional headers and the CSV form.

drf-spectacular documents only the success answer by default; the API also answers
304, 400, 401, 403, 404, 406, 409, 412 and 429, all with the one error shape from
`exceptions.py`, and this schema says so (schemathesis checks it does).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from ics_portal.api.pagination import COUNT_DESCRIPTION, MAX_PAGE_SIZE


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    code = serializers.CharField(help_text="A machine-readable code, e.g. invalid, not_found, throttled.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="When a field or query parameter is at fault (every 400; a 404 for a slug, id or page): its "
        "messages, by name (non_field_errors for rules across fields).",
    )


ERRORS = {
    "400": "Invalid input: a filter value, or a field of the record (named in `errors`).",
    "401": "The token or session is missing or invalid (writes need a staff token or session).",
    "403": "Signed in, but not staff of this record's ICS (or not a publisher, for publishing).",
    "404": "No such record (drafts are hidden from the public), a page number past the end, or an unknown format.",
    "406": "The Accept header asks for a format other than JSON or CSV.",
    "409": "The change conflicts with other records (a duplicate, an overlap, or rows still referring to it).",
    "412": "If-Match does not match: the record changed since you read it. GET it again and retry.",
    "429": "Too many requests. Retry after the number of seconds in the Retry-After header.",
}
NOT_MODIFIED = {"description": "Not modified: the If-None-Match (or If-Modified-Since) header matches."}

CODES_BY_OPERATION = {
    "list": ("304", "400", "401", "404", "406", "429"),
    "retrieve": ("304", "401", "404", "406", "429"),
    "create": ("400", "401", "403", "404", "406", "409", "429"),
    "update": ("400", "401", "403", "404", "406", "409", "412", "429"),
    "destroy": ("401", "403", "404", "406", "409", "412", "429"),
}

ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=["200", "201"], description="Version of this answer."
)
LAST_MODIFIED = OpenApiParameter(
    "Last-Modified",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=["200", "201"],
    description="The newest modified_at in the answer (HTTP date).",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=["429"], description="Seconds to wait."
)
LINK = OpenApiParameter(
    "Link",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=["200"],
    description='Next and previous pages (rel="next", rel="prev").',
)
TOTAL = OpenApiParameter(
    "X-Total-Count", OpenApiTypes.INT, OpenApiParameter.HEADER, response=["200"], description=COUNT_DESCRIPTION
)
TOTAL_ESTIMATED = OpenApiParameter(
    "X-Total-Count-Estimated",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=["200"],
    enum=["true"],
    description="Present (`true`) when X-Total-Count and `count` are PostgreSQL's estimate, not an exact count.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="An ETag from an earlier answer: 304 with no body if nothing changed.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read: the change is refused with 412 if the record changed since.",
)
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="json (default) or csv (the flat fields, one row per record; same as Accept: text/csv).",
)


class PortalAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if self.method in ("GET", "HEAD") and {} not in auths:
            auths.append({})  # Reading needs no credentials.
        return auths

    def _operation_kind(self) -> str | None:
        if self.method == "GET":
            return "list" if self._is_list_view() else "retrieve"
        return {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "destroy"}.get(self.method)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        kind = self._operation_kind()
        if kind in ("list", "retrieve"):
            parameters += [FORMAT, IF_NONE_MATCH]
        if kind in ("update", "destroy"):
            parameters.append(IF_MATCH)
        if kind == "list":
            parameters += [LINK, TOTAL, TOTAL_ESTIMATED]
        if kind != "destroy":
            parameters += [ETAG, LAST_MODIFIED]
        parameters.append(RETRY_AFTER)
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        """Nested rows shown on a single record only (`OnDetailOnly`) are not required: lists leave them out."""
        schema = super()._map_basic_serializer(serializer, direction)
        optional = {
            name for name, field in force_instance(serializer).fields.items() if getattr(field, "detail_only", 0)
        }
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in CODES_BY_OPERATION.get(self._operation_kind(), ()):
            if code in responses:
                continue
            if code == "304":
                responses[code] = dict(NOT_MODIFIED)
            else:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses


PAGE_SIZE_NOTE = f"Lists are paginated: `page` and `page_size` (at most {MAX_PAGE_SIZE})."


def blank_strings_any_of(result, generator, request, public):
    """Post-processing hook: drf-spectacular writes `oneOf: [{format: uri}, {maxLength: 0}]` for a blank-able URL
    field, but a validator that does not check the `uri` format finds "" valid under both and rejects it. `anyOf`
    says the same thing and validates."""
    stack = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            options = node.get("oneOf")
            if isinstance(options, list) and {"type": "string", "maxLength": 0} in options:
                node["anyOf"] = node.pop("oneOf")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return result


def query_parameters_allow_empty(result, generator, request, public):
    """Post-processing hook: an empty query parameter (`?kind=`) means "no filter", as in an HTML form, so say so."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    parameter["allowEmptyValue"] = True
    return result
