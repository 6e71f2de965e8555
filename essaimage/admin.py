from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ReportJob
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
