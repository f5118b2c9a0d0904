"""The floor: the least Django can do to serve the partner list's 100 rows as JSON.

No serializer, no pagination, no filters: one query and `.values()`. Each endpoint's
median latency is reported as a multiple of this one's, measured in the same run.
"""

from django.core.serializers.json import DjangoJSONEncoder
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
    rows = list(Organisation.objects.order_by("name", "pk").values(*FIELDS)[:100])
    return JsonResponse({"results": rows}, encoder=DjangoJSONEncoder)
