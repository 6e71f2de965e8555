from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Programme


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lead_structure", "start_date", "end_date", "is_archived"]
    list_filter = ["is_archived", "start_date"]
    search_fields = ["name", "lead_structure__name", "description"]
    list_select_related = ["lead_structure"]
    autocomplete_fields = ["lead_structure", "staff", "funders"]
    date_hierarchy = "start_date"
