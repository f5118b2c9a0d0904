"""The floor: the least Django can do to serve the partner list's 100 rows as JSON.

No serializer, no pagination, no filters: one query and `.values()`, in the API's order (case-insensitive, by
the same index: ordered by plain `name`, PostgreSQL sorted every organisation, 16 ms a request). Each endpoint's
median latency is reported as a multiple of this one's, measured in the same run.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.functions import Lower
from django.http import JsonResponse

from partners.models import Organisation

FIELDS = (
    "id",
    "slug",
    "name",
    "ods_code",
    "kind",
    "sector",
    "website",
    "start_date",
    "end_date",
    "successor__slug",
    "provenance",
    "created_at",
    "modified_at",
)


def floor(request):
    rows = list(Organisation.objects.order_by(Lower("name"), "pk").values(*FIELDS)[:100])
    return JsonResponse({"results": rows}, encoder=DjangoJSONEncoder)
