from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationsConfig(AppConfig):
    name = "innovations"
    verbose_name = _("Innovations")

    def ready(self):
        from essaimage.roles import role_provider

        from .selectors.roles import innovation_roles_of

        role_provider(innovation_roles_of)

        # Reminders to reviewers and applicants (essaimage.reminders).
        from .reminders import register_reminders

        register_reminders()

        # Innovation records imported from spreadsheets (essaimage.imports).
        from essaimage.imports import register_importer

        from .importers import InnovationImporter

        register_importer(InnovationImporter())
