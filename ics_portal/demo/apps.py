from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and national data generators and their commands: no models, so it may import every app."""

    name = "ics_portal.demo"
    label = "demo"
