"""What the evaluations ask of adopters on their portal: periods of indicators to report (or
returned for revision) and questionnaires to answer, with their due dates. Registered with
essaimage.portal in EvaluationsConfig.ready()."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaimage.portal import PortalTask

from ..access_questionnaires import respondent_assignments
from ..models import Questionnaire, QuestionnaireAssignment, SiteReport
from .reporting import my_periods


def reporting_tasks(user, sites) -> list[PortalTask]:
    """Each period a site still has to report or correct, due on the period's due date. Two
    queries whatever the number of sites and periods."""
    sites = [site for site in sites if not site.project.is_archived]
    tasks = []
    for rows in my_periods(sites):
        for row in rows.to_do:
            period = row.period
            returned = row.status == SiteReport.Status.RETURNED
            if returned:
                title = _("Correct the values returned for %(period)s") % {"period": period}
                detail = _("The programme's staff returned values for revision.")
            else:
                title = _("Report the indicators of %(period)s") % {"period": period}
                detail = (_("Started, not submitted yet.")
                          if row.status == SiteReport.Status.DRAFT else "")
            tasks.append(PortalTask(
                title=title, url=reverse("evaluations:report_entry",
                                         args=[rows.site.pk, period.pk]),
                kind=_("Indicators"), due=period.due_on, site=rows.site, detail=detail))
    return tasks


def questionnaire_tasks(user, sites) -> list[PortalTask]:
    """The questionnaires sent to the person or to their sites that still wait for an answer
    while they take answers; due when the assignment says, or when the questionnaire closes.
    One query."""
    today = timezone.localdate()
    pending = (respondent_assignments(user)
               .filter(status=QuestionnaireAssignment.Status.PENDING,
                       questionnaire__status=Questionnaire.Status.OPEN)
               .exclude(questionnaire__closes_on__lt=today)
               .exclude(questionnaire__opens_on__gt=today)
               .select_related("questionnaire", "site__structure", "site__territory")
               .order_by(F("due_on").asc(nulls_last=True), "pk"))
    return [PortalTask(
        title=_("Answer “%(title)s”") % {"title": assignment.questionnaire.title},
        url=reverse("evaluations:answer", args=[assignment.pk]), kind=_("Questionnaire"),
        due=assignment.due_on or assignment.questionnaire.closes_on, site=assignment.site,
        detail="" if assignment.site else _("Sent to you."))
        for assignment in pending]
