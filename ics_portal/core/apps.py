from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ics_portal.core"
    label = "core"
