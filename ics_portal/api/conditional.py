"""Conditional requests: ETag and Last-Modified on every answer, 304 and 412.

The ETag is a hash of the representation's data (so a change to a nested agenda
item or signatory changes it too, and staff and the public, who may see different
data, never share one), with the format appended: `"<hash>"` for JSON and
`"<hash>-csv"` for CSV. `If-Match` compares the hash part only, so a client may
send back either. Last-Modified is the newest `modified_at` in the data; it is
informational for lists, because a deleted row does not move it, so 304 for lists
comes from `If-None-Match` only.
"""

import hashlib
import json

from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.utils.encoders import JSONEncoder


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you read it. Fetch it again, reapply your change and retry."
    default_code = "precondition_failed"


def data_hash(data) -> str:
    text = json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def etag_for(data, fmt: str = "json") -> str:
    digest = data_hash(data)
    return f'"{digest}"' if fmt == "json" else f'"{digest}-{fmt}"'


def _tags(header: str) -> list[str]:
    """The opaque parts of a list of entity tags, weak or strong, without quotes."""
    tags = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip('"'))
    return tags


def if_match_holds(header: str | None, data) -> bool:
    """True when there is no If-Match, it is `*`, or it names the current version (any format)."""
    if not header:
        return True
    digest = data_hash(data)
    return any(tag == "*" or tag.split("-")[0] == digest for tag in _tags(header))


def newest_modified_at(data):
    """The latest `modified_at` anywhere in serialized data, as an aware datetime, or None."""
    newest = None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("modified_at")
            if isinstance(value, str) and (moment := parse_datetime(value)) is not None:
                newest = moment if newest is None or moment > newest else newest
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(item)
    return newest


def apply(request, response, *, is_list: bool):
    """Add ETag and Last-Modified to a successful answer; turn a GET into 304 when the client is up to date."""
    fmt = getattr(getattr(request, "accepted_renderer", None), "format", "json") or "json"
    etag = etag_for(response.data, fmt)
    response["ETag"] = etag
    modified = newest_modified_at(response.data)
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    if request.method not in ("GET", "HEAD") or response.status_code != status.HTTP_200_OK:
        return response
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        fresh = any(tag == "*" or tag == etag.strip('"') for tag in _tags(if_none_match))
    elif not is_list and modified is not None and (since := request.headers.get("If-Modified-Since")):
        since_ts = parse_http_date_safe(since)
        fresh = since_ts is not None and int(modified.timestamp()) <= since_ts
    else:
        fresh = False
    if fresh:
        response.status_code = status.HTTP_304_NOT_MODIFIED
        response.data = None
    return response
