"""The columns of the programmes' exports: adopter sites, meetings and decisions of a project
(see essaimage.exports)."""

from django.utils.translation import gettext_lazy as _

from essaimage.exports import CHOICE, DATE, DATETIME, INTEGER, Column

from .models import AdopterSite, Decision, GovernanceBody, Meeting


def site_columns(*, module_count: int, toolkit_required: int) -> list[Column]:
    """The sites' columns; the project's number of modules and of required toolkit items
    stand beside each site's figures, as on the page."""
    return [
        Column(_("Structure"), "structure.name", width=36),
        Column(_("Name of the site"), "name", width=30),
        Column(_("Territory"), lambda site: str(site.territory), width=24),
        Column(_("Status"), "status", CHOICE, choices=AdopterSite.Status, width=18),
        Column(_("Start date"), "start_date", DATE),
        Column(_("Cohorts"), lambda site: [cohort.name for cohort in site.cohorts.all()],
               width=24),
        Column(_("Modules completed"), "modules_completed", INTEGER),
        Column(_("Training modules"), lambda site: module_count, INTEGER),
        Column(_("Toolkit acknowledged"), "toolkit_acknowledged", INTEGER),
        Column(_("Required toolkit items"), lambda site: toolkit_required, INTEGER),
    ]


MEETING_COLUMNS = [
    Column(_("Body"), "body.name", width=30),
    Column(_("Kind of body"), "body.kind", CHOICE, choices=GovernanceBody.Kind, width=20),
    Column(_("Meeting"), "title", width=36),
    Column(_("Starts at"), "starts_at", DATETIME, width=17),
    Column(_("Ends at"), "ends_at", DATETIME, width=17),
    Column(_("Place"), "place", width=30),
    Column(_("Status"), "status", CHOICE, choices=Meeting.Status),
    Column(_("Members present"), "present_count", INTEGER),
    Column(_("Decisions"), "decision_count", INTEGER),
]

DECISION_COLUMNS = [
    Column(_("Date"), "meeting.starts_at", DATE),
    Column(_("Body"), "meeting.body.name", width=30),
    Column(_("Meeting"), "meeting.title", width=36),
    Column(_("Kind"), "kind", CHOICE, choices=Decision.Kind, width=22),
    Column(_("Decision"), "text", width=80),
    Column(_("Recorded at"), "created_at", DATETIME, width=17),
]
