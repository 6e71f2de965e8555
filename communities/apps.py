from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("People and structures")

    def ready(self):
        from essaimage.roles import Role, role_provider

        @role_provider
        def platform_roles(user):
            if user.is_superuser:
                yield Role.ADMIN

        # Reminders of events the day before (essaimage.reminders).
        from .reminders import register_reminders

        register_reminders()

        # Structures imported from spreadsheets (essaimage.imports).
        from essaimage.imports import register_importer

        from .importers import StructureImporter

        register_importer(StructureImporter())
