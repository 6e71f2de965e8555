from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PROGRAMME_STAFF_GROUP = "Programme staff"
DOMAIN_APPS = ("communities", "innovations", "programmes", "evaluations")
# Pipeline records are archived, never deleted; these link tables may be deleted.
DELETABLE_MODELS = {("communities", "membership"), ("communities", "invitation")}


def sync_programme_staff_group(sender=None, **kwargs):
    """Give the programme staff group the admin rights its members need, after every migrate."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS)
    wanted = [
        permission
        for permission in permissions.select_related("content_type")
        if not permission.codename.startswith("delete_")
        or (permission.content_type.app_label, permission.content_type.model) in DELETABLE_MODELS
    ]
    if set(group.permissions.all()) != set(wanted):
        group.permissions.set(wanted)


class EssaimageConfig(AppConfig):
    name = "essaimage"
    verbose_name = _("Platform")

    def ready(self):
        from . import lookups  # noqa: F401: registers `__any`

        # Each app's permissions appear as its own post_migrate runs, so sync after every app.
        post_migrate.connect(sync_programme_staff_group, dispatch_uid="sync_programme_staff")

        # The reminders page of a project (essaimage.views_reminders), for its staff.
        from .navigation import register_project_tab

        register_project_tab("reminders", pgettext_lazy("project page", "Reminders"),
                             "reminders:project", staff_only=True)
