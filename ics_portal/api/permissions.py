"""Who may write through the API: the same rules as the staff screens (staff/permissions.py).

Reading is open to everyone (drafts are filtered by the viewsets). Writing needs a
signed-in staff member (token or session); an ICS's staff change only that ICS's
records, and a shared record (organisation, person) only when every ICS it is linked
to is theirs; superusers anything. The checks on the record *after* the change (a
partnership moved to another ICS, a draft being published) are in
`viewsets.PortalViewSet` and the rules its viewsets ask of their app's services
(governance/services.py, places/services.py), because the object does not exist yet
when DRF asks here.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from staff import permissions as rules

SHARED_REFUSED = (
    "This record is shared between ICSs: it is changed or deleted only by staff of every ICS it is linked to, "
    "or by a superuser. Linking it to your ICS is allowed; changing it is not."
)


class StaffMayWrite(BasePermission):
    message = "You need a staff role in this record's ICS to change it."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return rules.is_staff_member(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        allowed = (
            rules.can_delete(request.user, obj) if request.method == "DELETE" else rules.can_edit(request.user, obj)
        )
        if not allowed and obj.ics_shared:
            self.message = SHARED_REFUSED
        return allowed
