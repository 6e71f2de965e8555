from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from essaimage.roles import role_provider

        from .selectors import programme_roles_of

        role_provider(programme_roles_of)

        # The member portal lists what adopters must do, with due dates, from every app.
        from essaimage.portal import portal_task_provider

        from .queries.portal_tasks import toolkit_tasks, training_tasks

        portal_task_provider(training_tasks)
        portal_task_provider(toolkit_tasks)

        # Reminders of meetings, action items and trainings (essaimage.reminders).
        from .reminders import register_reminders

        register_reminders()

        # Adopter sites imported from spreadsheets (essaimage.imports).
        from essaimage.imports import register_importer

        from .importers import SiteImporter

        register_importer(SiteImporter())
