"""{% staff_dashboard %}: the work queues on the admin home page."""

from django import template

from staff import permissions
from staff.dashboard import dashboard_for

register = template.Library()


@register.inclusion_tag("staff/dashboard.html", takes_context=True)
def staff_dashboard(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.is_staff_member(user):
        return {"dashboard": None}
    return {"dashboard": dashboard_for(user)}
