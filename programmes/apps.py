from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from essaimage.roles import role_provider

        from .selectors import programme_roles_of

        role_provider(programme_roles_of)

        # Reminders of meetings, action items and trainings (essaimage.reminders).
        from .reminders import register_reminders

        register_reminders()
