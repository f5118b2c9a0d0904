"""The admin's History pages in words a clerk reads (staff.history), and any two versions compared.

Mixed into StaffAdmin before SimpleHistoryAdmin. The comparison is part of the History page (a GET
form of two radio groups, no JavaScript): it is shown only once simple-history has decided the user
may see the record's history, so whoever may not see the record gets no comparison either.
"""

from __future__ import annotations

import copy
import itertools

from django.contrib import admin
from django.contrib.auth import get_user_model
from simple_history.utils import get_history_manager_for_model

from .history import EMPTY, changes_between

COMPARE_FROM, COMPARE_TO = "compare_from", "compare_to"


class ReadableHistoryMixin:
    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each version's changes from the one before it (newest first), with labels and display values."""
        for newer, older in itertools.pairwise(historical_records):
            newer.history_delta_changes = changes_between(older, newer)

    def render_history_view(self, request, template, context, **kwargs):
        if template == self.object_history_template:  # the History list, after simple-history's permission check
            context.update(
                empty=EMPTY,
                may_view_users=self._may_view_users(request),
                **self._comparison(request, context["object"]),
            )
        return super().render_history_view(request, template, context, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        view = copy.copy(self)
        view.empty_value_display = EMPTY  # the version's read-only fields, as the History list says it
        return super(ReadableHistoryMixin, view).history_form_view(request, object_id, version_id, extra_context)

    def _may_view_users(self, request) -> bool:
        """Link "Changed by" to the user's page only for those who may open it (editors may not)."""
        try:
            users = self.admin_site.get_model_admin(get_user_model())
        except admin.sites.NotRegistered:
            return False
        return users.has_view_permission(request)

    def _comparison(self, request, obj) -> dict:
        """The two versions chosen on the History page and what changed between them, or why not."""
        chosen = request.GET.get(COMPARE_FROM), request.GET.get(COMPARE_TO)
        if chosen == (None, None):
            return {}
        context = {"compare_from": chosen[0], "compare_to": chosen[1]}
        if not all(value and value.isascii() and value.isdigit() for value in chosen):
            return {**context, "comparison_error": "Choose one version in each column to compare them."}
        if chosen[0] == chosen[1]:
            return {**context, "comparison_error": "Choose two different versions to compare."}
        history = get_history_manager_for_model(self.model).filter(
            **{self.model._meta.pk.attname: obj.pk}, history_id__in=chosen
        )
        found = {str(version.history_id): version for version in history.select_related("history_user")}
        if len(found) != 2:
            return {**context, "comparison_error": "One of the chosen versions is not in this record's history."}
        older, newer = found[chosen[0]], found[chosen[1]]
        return {**context, "comparison": {"older": older, "newer": newer, "changes": changes_between(older, newer)}}
