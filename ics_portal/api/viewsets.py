"""The base of every API viewset: reads for everyone, checked writes for staff.

- Lists are filtered (django-filter), ordered with a unique tie-breaker and paginated.
- Answers carry ETag / Last-Modified; GET answers 304 to a matching If-None-Match;
  PUT, PATCH and DELETE honour If-Match (412 when the record changed since).
- Writes: the model's full_clean() (in the serializer), then the staff rules on the
  record as it is and as it will be (`can_change`: both must be the user's, so nothing
  moves out of or into another ICS; and the rules its app's services state, through
  `check_rules()`), saved in one transaction with the row locked, so an If-Match
  check cannot race. Viewsets whose records carry rules save through their service.
"""

from django.db import transaction
from django.http import Http404
from rest_framework import viewsets
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.response import Response

from ics_portal.api import conditional
from ics_portal.api.exceptions import no_such
from ics_portal.api.filtering import (
    PortalFilterBackend,
    StableOrderingFilter,
    asks_for_a_filter,
    check_list_parameters,
)
from staff import permissions as rules


class PortalViewSet(viewsets.ModelViewSet):
    filter_backends = [PortalFilterBackend, StableOrderingFilter]
    # Any path segment reaches the view, so a malformed id or slug gets the API's JSON 404, not the HTML page.
    lookup_value_regex = "[^/]+"

    # --- reading ----------------------------------------------------------------------

    def draft_ics_ids(self):
        """ICS ids whose drafts this user may see: None for all (superusers), else their staff ICSs."""
        user = self.request.user
        if not user.is_authenticated:
            return set()
        return rules.editable_ics_ids(user) if rules.is_staff_member(user) else set()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["draft_ics_ids"] = self.draft_ics_ids()
        return context

    def initial(self, request, *args, **kwargs):
        # A method no handler takes is a 405 before any credentials are asked for: reads need none, so
        # TRACE on a list must not answer 401 as if a token would help.
        method = request.method.lower()
        if method not in self.http_method_names or getattr(self, method, None) is None:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            check_list_parameters(request, self)

    def get_object(self):
        """The record, or a 404 naming what was looked for (Django's says "No IntegratedCareSystem matches…")."""
        try:
            return super().get_object()
        except Http404:
            lookup = self.lookup_url_kwarg or self.lookup_field
            raise no_such(self.queryset.model, "id" if lookup == "pk" else lookup, self.kwargs[lookup]) from None

    def count_unfiltered(self) -> int | None:
        """The list's length when no filter is asked for, if this view knows it without counting the rows; None
        to count them."""
        return None

    def paginate_queryset(self, queryset):
        filterset_class = getattr(self, "filterset_class", None)
        if self.paginator is not None and not (filterset_class and asks_for_a_filter(self.request, filterset_class)):
            self.paginator.known_count = self.count_unfiltered()
        return super().paginate_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 and getattr(response, "data", None) is not None:
            conditional.apply(request, response, is_list=self.action == "list" or "results" in response.data)
        response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "Authorization", "Cookie"]))
        return response

    # --- writing ----------------------------------------------------------------------

    def _check_write(self, serializer):
        """Refuse, before anything is written, a change this user may not make: to the record as it is
        (`serializer.instance`, None when new) or as it will be (`serializer.candidate`)."""
        if not rules.can_change(self.request.user, serializer.candidate, before=serializer.instance):
            raise PermissionDenied("You need a staff role in the ICS this record would belong to.")
        self.check_rules(serializer)

    def check_rules(self, serializer):
        """The rules of this viewset's records, asked of their app's service; none for plain records.

        `serializer.candidate` is the record as it will be, `serializer.instance` as it is (None when new).
        """

    def _locked_object(self):
        """The object, read again after locking its row, so If-Match compares with what is committed now."""
        instance = self.get_object()
        list(type(instance)._base_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))
        return self.get_object()

    def _check_if_match(self, instance):
        current = self.get_serializer(instance).data
        if not conditional.if_match_holds(self.request.headers.get("If-Match"), current):
            raise conditional.PreconditionFailed()

    def save(self, serializer):
        """Save a validated, permitted change in one transaction.

        Viewsets whose records carry rules hand `serializer.candidate` (already full_clean()ed by the
        serializer) to their service instead, which opens the transaction.
        """
        with transaction.atomic():
            return serializer.save()

    def _read_back(self, pk, status_code=200):
        """The saved record read the way GET reads it (by pk: the slug may have changed)."""
        instance = self.get_queryset().get(pk=pk)
        response = Response(self.get_serializer(instance).data, status=status_code)
        if status_code == 201:
            response["Location"] = response.data.get("url", "")
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._check_write(serializer)
        instance = self.save(serializer)
        return self._read_back(instance.pk, status_code=201)

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self._locked_object()
            self._check_if_match(instance)
            return self._update(instance, partial=kwargs.pop("partial", False))

    def _update(self, instance, *, partial):
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self._check_write(serializer)
        self.save(serializer)
        # Read the saved record back the way GET does, so the ETag of this answer matches a later GET.
        return self._read_back(instance.pk)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self._locked_object()
            self._check_if_match(instance)
            return super().destroy(request, *args, **kwargs)
