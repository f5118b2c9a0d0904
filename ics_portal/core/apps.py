from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "ics_portal.core"
    label = "core"

    def ready(self):
        # After every migrate, when all tables exist: tables added since get the data version's trigger.
        post_migrate.connect(_install_data_version_triggers, sender=self)


def _install_data_version_triggers(sender, using, **kwargs):
    from .data_version import install_triggers

    install_triggers(using)
