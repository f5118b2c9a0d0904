"""Admin for staff roles: only superusers grant and withdraw them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import StaffRole


@admin.register(StaffRole)
class StaffRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "ics", "role", "modified_at")
    list_filter = ("role", "ics")
    list_select_related = ("user", "ics")
    search_fields = ("user__username", "user__email", "ics__short_name")
    autocomplete_fields = ("user", "ics")

    def _superuser(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = has_view_permission = has_change_permission = _superuser
    has_add_permission = has_delete_permission = _superuser
