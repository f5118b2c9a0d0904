"""OpenAPI: every operation documents its errors, conditional headers and the CSV form.

drf-spectacular documents only the success answer by default; the API also answers
304, 400, 401, 403, 404, 406, 409, 412 and 429, all with the one error shape from
`exceptions.py`, and this schema says so (schemathesis checks it does).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from ics_portal.api.filtering import AS_AT, AS_AT_DESCRIPTION, INCLUDE, INCLUDE_ALL, INCLUDE_DESCRIPTION, is_dated
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
    "400": "Invalid input: an unknown query parameter or ordering field, a bad filter value or page size, or a "
    "field of the record (each named in `errors`; `code` unknown_parameter or invalid).",
    "401": "The token or session is missing or invalid (writes need a staff token or session).",
    "403": "Signed in, but not staff of this record's ICS (or not a publisher, for publishing).",
    "404": "No such record (drafts are hidden from the public; `errors` names the slug or id), a page number past "
    "the end (`errors` names page), or an unknown format.",
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
FORMATS = ["json", "csv"]
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=FORMATS,
    description="json (default) or csv (the flat fields, one row per record; same as Accept: text/csv).",
)
AS_AT_PARAMETER = OpenApiParameter(AS_AT, OpenApiTypes.DATE, OpenApiParameter.QUERY, description=AS_AT_DESCRIPTION)
INCLUDE_PARAMETER = OpenApiParameter(
    INCLUDE, OpenApiTypes.STR, OpenApiParameter.QUERY, enum=[INCLUDE_ALL], description=INCLUDE_DESCRIPTION
)
SHARED_ENUMS = {"format": ("Format", FORMATS), "include": ("Include", [INCLUDE_ALL])}
CSV_CONTENT = {
    "schema": {
        "type": "string",
        "description": "CSV: a header row of the flat fields, then a row per record (nested lists left out).",
    }
}


class TokenOrBearerScheme(OpenApiAuthenticationExtension):
    """Writes take a staff token as `Authorization: Bearer <key>` or `Authorization: Token <key>`."""

    target_class = "ics_portal.api.authentication.TokenOrBearerAuthentication"
    name = ["bearerAuth", "tokenAuth"]
    priority = 1

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]  # either one

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "A staff user's API token: `Bearer <key>`."},
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "The same token as `Token <key>`.",
            },
        ]


class PortalAutoSchema(AutoSchema):
    def get_auth(self):
        """Reading needs no credentials (staff may send theirs, to see their drafts): no security on a read."""
        if self.method in ("GET", "HEAD"):
            return []
        return super().get_auth()

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        """CSV is text, not the JSON object drf-spectacular would give every renderer."""
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if "text/csv" in response.get("content", {}):
            response["content"]["text/csv"] = CSV_CONTENT
        return response

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
            if is_dated(getattr(self.view, "filterset_class", None)):
                parameters += [AS_AT_PARAMETER, INCLUDE_PARAMETER]
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


def shared_parameter_enums(result, generator, request, public):
    """Post-processing hook: a query parameter's enum refers to one component, not an enum of its own per
    operation (a generated client made a class for each): `format` and `include` to their own, a filter of
    choices (`kind`, `role`…) to the enum of the field it filters, where one holds the same values (in any order:
    drf-spectacular sorts a parameter's)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for component, values in SHARED_ENUMS.values():
        schemas[component] = {"type": "string", "enum": values}
    by_values = {
        frozenset(schema["enum"]): name
        for name, schema in sorted(schemas.items())
        if schema.get("type") == "string" and "enum" in schema
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") != "query":
                    continue
                shared = SHARED_ENUMS.get(parameter["name"])
                component = shared[0] if shared else by_values.get(frozenset(parameter["schema"].get("enum", ())))
                if component:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{component}"}
    return result
