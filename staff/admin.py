"""Admin for staff roles: only superusers grant and withdraw them."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .admin_mixins import AnswersDatabaseRefusals
from .models import StaffRole


@admin.register(StaffRole)
class StaffRoleAdmin(AnswersDatabaseRefusals, SimpleHistoryAdmin):
    list_display = ("user", "ics", "role", "modified_at")
    list_filter = ("role", "ics")
    list_select_related = ("user", "ics")
    search_fields = ("user__username", "user__email", "ics__short_name")
    autocomplete_fields = ("user", "ics")

    def _superuser(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = has_view_permission = has_change_permission = _superuser
    has_add_permission = has_delete_permission = _superuser


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("ics",)
    fields = ("ics", "role")


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PortalUserAdmin(AnswersDatabaseRefusals, UserAdmin):
    """Django's user admin, with the user's ICS roles on the same page."""

    inlines = (*UserAdmin.inlines, StaffRoleInline)
    list_filter = (*UserAdmin.list_filter, "staff_roles__role")
