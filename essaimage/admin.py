from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ReportJob, SentReminder
from .reminders import retry_reminder
from .reports import retry_report

# --- Reports (essaimage.reports) ----------------------------------------------------------------


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject_type", "subject_id", "status", "attempts", "requested_by",
                    "requested_at", "finished_at", "size", "pages"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "error", "requested_by__email"]
    date_hierarchy = "requested_at"
    list_select_related = ["subject_type", "requested_by"]
    # The state moves through the services only: an operator retries, never edits by hand.
    readonly_fields = [field.name for field in ReportJob._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed reports"))
    def retry_failed(self, request, queryset):
        retried = 0
        for job in queryset.filter(status=ReportJob.Status.FAILED):
            try:
                retry_report(job, by=request.user)
            except ValidationError:
                continue
            retried += 1
        self.message_user(request, ngettext("%(count)d report queued again.",
                                            "%(count)d reports queued again.", retried)
                          % {"count": retried}, messages.SUCCESS)


# --- Reminders (essaimage.reminders) ------------------------------------------------------------


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient_email", "item_type", "item_id", "occurrence", "project_id",
                    "status", "attempts", "queued_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient_email", "occurrence", "error"]
    date_hierarchy = "queued_at"
    list_select_related = ["item_type"]
    # The sent-log is what keeps reminders from going twice: it is read, never edited by hand.
    readonly_fields = [field.name for field in SentReminder._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed reminders again"))
    def retry_failed(self, request, queryset):
        retried = sum(retry_reminder(reminder)
                      for reminder in queryset.filter(status=SentReminder.Status.FAILED))
        self.message_user(request, ngettext("%(count)d reminder queued again.",
                                            "%(count)d reminders queued again.", retried)
                          % {"count": retried}, messages.SUCCESS)
