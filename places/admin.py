"""Staff admin for ICSs, their stages and places (scoped by staff.admin_mixins)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path

from staff.admin_mixins import StaffAdmin, StaffModelForm, StaffTabularInline, one_at_a_time_formset, restoring_over

from . import services
from .admin_views import reorganisation_view
from .models import (
    PLACE_IN_TWO_ICSS,
    Cluster,
    ClusterMembership,
    IcsStage,
    IcsSuccession,
    IntegratedCareSystem,
    Place,
    PlaceMembership,
    PlannedChange,
)


class IntegratedCareSystemForm(StaffModelForm):
    """Restoring an old version puts back its identity fields too, read-only or not: only a superuser may."""

    def _post_clean(self):
        super()._post_clean()
        before = restoring_over(self.instance)
        if before is None or self.request is None:
            return
        try:
            services.ics_identity_check(user=self.request.user, ics=self.instance, before=before)
        except PermissionDenied as refusal:
            self.add_error(None, f"This version has another identity than the ICS now. {refusal}")


class IcsStageInline(StaffTabularInline):
    model = IcsStage
    fields = ("stage", "name_then", "gss_code_then", "start_date", "end_date", "note", "provenance")


class NationalRecordAdmin(StaffAdmin):
    """England's structure (successions, clusters, plans) is recorded nationally: superusers write it."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request) if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request)


class NationalInline(StaffTabularInline):
    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request)


class PlaceMembershipInline(NationalInline):
    """Which places belong to an ICS on which days: moved by superusers (a boundary change)."""

    model = PlaceMembership
    formset = one_at_a_time_formset("place_id", PLACE_IN_TWO_ICSS)
    fields = ("place", "start_date", "end_date", "source", "source_url", "source_date")
    autocomplete_fields = ("place",)
    extra = 0


class IcsMembershipInline(PlaceMembershipInline):
    fields = ("ics", "start_date", "end_date", "source", "source_url", "source_date")
    autocomplete_fields = ("ics",)


class SuccessionInline(NationalInline):
    model = IcsSuccession
    fk_name = "predecessor"
    fields = ("kind", "successor", "date", "places", "note", "source", "source_url", "source_date")
    autocomplete_fields = ("successor",)
    extra = 0
    verbose_name = "where its area went"
    verbose_name_plural = "where its area went"


@admin.register(IntegratedCareSystem)
class IntegratedCareSystemAdmin(StaffAdmin):
    list_display = ("short_name", "icb_ods_code", "gss_code", "region", "population", "provenance", "modified_at")
    list_filter = ("region", "provenance")
    search_fields = ("name", "short_name", "icb_ods_code", "gss_code", "slug")
    prepopulated_fields = {"slug": ("short_name",)}
    inlines = (IcsStageInline, PlaceMembershipInline, SuccessionInline)
    superuser_only_add = True
    form = IntegratedCareSystemForm
    change_list_template = "admin/places/integratedcaresystem/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: reorganisation_view(self, request))
        return [path("reorganise/", view, name="places_reorganise"), *super().get_urls()]

    def get_readonly_fields(self, request, obj=None):
        # An ICS's identity (names in URLs, national codes) is set nationally, by superusers (places.services).
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not services.may_change_identity(user=request.user):
            readonly = [*readonly, *services.ICS_IDENTITY_FIELDS]
        return readonly

    def save_restored(self, request, obj):
        # The form has asked ics_identity_check() of these values, in this transaction.
        services.ics_restore(ics=obj, user=request.user, before=restoring_over(obj), validated=True)


@admin.register(IcsStage)
class IcsStageAdmin(StaffAdmin):
    list_display = ("ics", "stage", "name_then", "start_date", "end_date")
    list_filter = ("stage", ("ics", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("ics",)
    search_fields = ("name_then", "ics__short_name", "gss_code_then")
    autocomplete_fields = ("ics",)
    date_hierarchy = "start_date"


@admin.register(Place)
class PlaceAdmin(StaffAdmin):
    list_display = ("name", "ods_code", "gss_code", "population", "start_date", "end_date", "provenance")
    list_filter = ("provenance",)
    search_fields = ("name", "slug", "ods_code", "gss_code", "districts")
    inlines = (IcsMembershipInline,)
    autocomplete_unscoped = True


class ClusterMembershipInline(NationalInline):
    model = ClusterMembership
    fields = ("ics",)
    autocomplete_fields = ("ics",)
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(NationalRecordAdmin):
    list_display = ("name", "start_date", "end_date", "start_from_source", "provenance")
    search_fields = ("name", "slug")
    inlines = (ClusterMembershipInline,)


@admin.register(PlannedChange)
class PlannedChangeAdmin(NationalRecordAdmin):
    list_display = ("title", "kind", "status", "expected")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    filter_horizontal = ("icss",)
