"""What the evaluations app asks of a person on their home page (registered with
essaimage.home in EvaluationsConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaimage.roles import Role

from .reporting import periods_to_report


def reporting_steps(user, roles) -> list[tuple[str, str, str]]:
    """For adopters: each site with periods to report, and how many were returned."""
    if Role.ADOPTER not in roles:
        return []
    steps = []
    url = reverse("evaluations:my_reports")
    for site, count, returned in periods_to_report(user):
        title = ngettext("Report %(count)d period of indicators for %(site)s",
                         "Report %(count)d periods of indicators for %(site)s", count) % {
            "count": count, "site": site.structure.name}
        detail = (ngettext("%(count)d returned by the programme's staff for revision.",
                           "%(count)d returned by the programme's staff for revision.",
                           returned) % {"count": returned} if returned
                  else _("Enter your values for %(project)s and submit them.")
                  % {"project": site.project.title})
        steps.append((title, url, detail))
    return steps
