"""/api/v1/: the index of the API's lists, as JSON for programs and, for a browser, a page for people.

The page links the documentation (Swagger UI), the OpenAPI schema, every list, and example
queries to copy: an ICS's partners today, on a past day, as CSV, and its decisions.
"""

from urllib.parse import urlsplit

from django.urls import reverse
from rest_framework import routers
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer

from places.models import IntegratedCareSystem

EXAMPLE_ICS = "west-yorkshire"  # the demo data's, for an empty database
EXAMPLE_DAY = "2023-04-01"


class ApiPageRenderer(TemplateHTMLRenderer):
    """HTML only when asked for (a browser's Accept): programs sending */* get JSON, the first renderer."""

    template_name = "site/api_index.html"


class ApiRootView(routers.APIRootView):
    renderer_classes = [JSONRenderer, ApiPageRenderer]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if isinstance(request.accepted_renderer, ApiPageRenderer):
            response.data = self.page_context(request, response.data)
        return response

    def page_context(self, request, lists) -> dict:
        slug = IntegratedCareSystem.objects.current().order_by("short_name").values_list("slug", flat=True).first()
        partners = request.build_absolute_uri(reverse("api:ics-partners", kwargs={"slug": slug or EXAMPLE_ICS}))
        examples = [
            ("Partner organisations of an ICS today, with their role and place", partners),
            (f"The same list as it was on {EXAMPLE_DAY}", f"{partners}?as_at={EXAMPLE_DAY}"),
            ("The same list as CSV, for a spreadsheet", f"{partners}?format=csv"),
        ]
        if "decisions" in lists:
            examples.append(("What its boards decided", f"{lists['decisions']}?ics={slug or EXAMPLE_ICS}"))
        return {
            "lists": [(name, url, urlsplit(url).path) for name, url in sorted(lists.items())],
            "examples": examples,
            "docs_url": reverse("api:docs"),
            "schema_url": reverse("api:schema"),
        }
