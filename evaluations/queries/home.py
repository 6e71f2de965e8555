"""What the evaluations app asks of a person on their home page (registered with
essaimage.home in EvaluationsConfig.ready)."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaimage.roles import Role

from ..models import Questionnaire, QuestionnaireAssignment
from ..access_questionnaires import respondent_assignments
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


def questionnaire_steps(user, roles) -> list[tuple[str, str, str]]:
    """For anyone a questionnaire was sent to (directly or through a site): those still to
    answer while they take answers, the nearest due date first. One query."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    pending = (respondent_assignments(user)
               .filter(status=QuestionnaireAssignment.Status.PENDING,
                       questionnaire__status=Questionnaire.Status.OPEN)
               .exclude(questionnaire__closes_on__lt=today)
               .exclude(questionnaire__opens_on__gt=today)
               .select_related("questionnaire", "site__structure")
               .order_by(F("due_on").asc(nulls_last=True), "pk"))
    steps = []
    for assignment in pending:
        title = _("Answer “%(title)s”") % {"title": assignment.questionnaire.title}
        detail = (_("For %(site)s.") % {"site": assignment.site.structure.name}
                  if assignment.site else _("Sent to you."))
        if assignment.due_on:
            detail += " " + _("Expected by %(date)s.") % {
                "date": date_format(assignment.due_on, "SHORT_DATE_FORMAT")}
        steps.append((title, reverse("evaluations:answer", args=[assignment.pk]), detail))
    return steps
