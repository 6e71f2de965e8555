"""The evaluation report of one adopter site: the site and its project, its indicators against
its own targets over time, how completely it reported, its fidelity and how it evolved, the
questionnaires it answered, the trainings its people attended and its local adaptations.

The figures are the site dashboard's (selectors/dashboards.site_dashboard); what the site has
not done yet is said, never fatal.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.models import AdopterSite
from programmes.permissions import can_manage_project, can_read_project, is_site_member
from programmes.queries.adopters import (
    completion_of_people,
    project_modules,
    site_adaptations,
    site_registrations,
    site_status_history,
)

from .. import charts
from ..models import (
    Answer,
    Indicator,
    Question,
    QuestionnaireAssignment,
    ReportingPeriod,
    SiteReport,
)
from ..selectors.aggregation import Scope
from ..selectors.dashboards import site_dashboard
from . import Section, for_print, indicator_line

KEY = "site_report"
TEMPLATE = "reports/site_report.html"


# --- Who ---------------------------------------------------------------------------------------


def may_request(user, site: AdopterSite) -> bool:
    """The project's staff, and the people of the site's structure (for their board, say)."""
    if not user.is_authenticated:
        return False
    return is_site_member(user, site) or can_manage_project(user, site.project)


def may_read(user, site: AdopterSite) -> bool:
    """Those who may ask for it, and whoever reads the project."""
    return may_request(user, site) or (user.is_authenticated
                                       and can_read_project(user, site.project))


def filename(site: AdopterSite, params: dict) -> str:
    name = slugify(f"{site.structure.name} {site.name}")[:60] or str(site.pk)
    return f"rapport-site-{name}-{timezone.localdate():%Y-%m-%d}.pdf"


# --- The parts ---------------------------------------------------------------------------------


@dataclass
class PeriodLine:
    period: ReportingPeriod
    status: str  # a SiteReport.Status, or "missing"
    label: str
    is_overdue: bool


@dataclass
class Completeness:
    lines: list[PeriodLine]
    counts: dict = field(default_factory=dict)  # status → number of periods

    @property
    def expected(self) -> int:
        return len(self.lines)

    @property
    def sent(self) -> int:
        return self.counts.get(SiteReport.Status.VALIDATED, 0) + self.counts.get(
            SiteReport.Status.SUBMITTED, 0)

    @property
    def overdue(self) -> int:
        return sum(1 for line in self.lines if line.is_overdue)


MISSING = "missing"


def reporting_completeness(site: AdopterSite, today: date | None = None) -> Completeness:
    """Each period the site had to report (ended, at a frequency some active indicator it
    reports uses), oldest first, with the state of its report; two queries."""
    today = today or timezone.localdate()
    reported = Indicator.objects.filter(project=OuterRef("project"), frequency=OuterRef(
        "frequency"), is_active=True, reported_by=Indicator.ReportedBy.SITE)
    periods = list(ReportingPeriod.objects.filter(project=site.project_id, ends_on__lt=today)
                   .filter(Exists(reported)).order_by("ends_on", "frequency"))
    if site.start_date:
        # A site is not expected to report for periods over before it started.
        periods = [period for period in periods if period.ends_on >= site.start_date]
    statuses = dict(SiteReport.objects.filter(site=site, period__in=[p.pk for p in periods])
                    .values_list("period", "status"))
    labels = dict(SiteReport.Status.choices)
    lines, counts = [], {}
    for period in periods:
        status = statuses.get(period.pk, MISSING)
        if status == SiteReport.Status.DRAFT:
            status = MISSING  # a draft nobody sent counts as not reported
        counts[status] = counts.get(status, 0) + 1
        label = labels[status] if status != MISSING else _("Not reported")
        lines.append(PeriodLine(period, status, str(label),
                                is_overdue=status in (MISSING, SiteReport.Status.RETURNED)
                                and period.due_on < today))
    return Completeness(lines, counts)


def fidelity_chart(site: AdopterSite, profile) -> str:
    """The site's fidelity total across its completed assessments, as a line."""
    if profile is None or len(profile.evolution) < 2:
        return ""
    points = [charts.Point(date_format(row.assessment.assessed_on, "SHORT_DATE_FORMAT"),
                           row.total_pct) for row in profile.evolution]
    return for_print(charts.line_chart(points, chart_id=f"site-fidelity-{site.pk}",
                                       title=_("Fidelity of the site across its assessments"),
                                       unit="%"))


@dataclass
class AnsweredQuestionnaire:
    assignment: QuestionnaireAssignment
    answers: list


def answered_questionnaires(site: AdopterSite) -> list[AnsweredQuestionnaire]:
    """The questionnaires the site submitted about itself, with its answers in the order of
    the questions; two queries."""
    assignments = list(
        QuestionnaireAssignment.objects.filter(site=site, peer_site__isnull=True,
                                               status=QuestionnaireAssignment.Status.SUBMITTED)
        .select_related("questionnaire")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related(
            "question").order_by("question__position", "question_id")))
        .order_by("-submitted_at", "-pk"))
    return [AnsweredQuestionnaire(assignment, [_answer_line(answer)
                                               for answer in assignment.answers.all()])
            for assignment in assignments]


def _answer_line(answer: Answer) -> tuple[str, str]:
    question = answer.question
    if question.kind == Question.Kind.SCALE:
        text = "—" if answer.number is None else _("%(point)s on a scale of %(low)s to "
                                                    "%(high)s") % {
            "point": answer.number, "low": question.scale_min, "high": question.scale_max}
    elif question.kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
        text = ", ".join(answer.choices) or "—"
    else:
        text = answer.text or "—"
    return question.label, text


def peer_assessments_received(site: AdopterSite) -> int:
    return QuestionnaireAssignment.objects.filter(
        peer_site=site, status=QuestionnaireAssignment.Status.SUBMITTED).count()


# --- The report --------------------------------------------------------------------------------


def sections() -> dict[str, Section]:
    return {key: Section(f"section-{key}", title) for key, title in [
        ("site", _("The site")),
        ("indicators", _("Indicators against the site's targets")),
        ("reporting", _("Reporting")),
        ("fidelity", _("Fidelity to the model")),
        ("questionnaires", _("Questionnaires")),
        ("training", _("Training")),
        ("adaptations", _("Local adaptations")),
    ]}


def build_context(site: AdopterSite, params: dict) -> dict:
    """Everything the site report shows, read once, in a fixed number of queries."""
    site = (AdopterSite.objects
            .select_related("project__programme", "project__innovation__owner", "structure",
                            "territory")
            .get(pk=site.pk))
    dashboard = site_dashboard(site, Scope())
    for row in dashboard.rows:
        row.chart = for_print(row.chart)
    registrations = site_registrations(site)
    modules = project_modules(site.project)
    people = completion_of_people(registrations)
    parts = sections()
    return {
        "report_title": _("Site evaluation report"),
        "report_subtitle": f"{site.structure.name}{f' — {site.name}' if site.name else ''}",
        "toc": [section.as_toc() for section in parts.values()],
        "sections": parts,
        "site": site,
        "project": site.project,
        "status_history": site_status_history(site),
        "dashboard": dashboard,
        "indicator_lines": [indicator_line(row.figure) for row in dashboard.rows],
        "indicator_caption": _("Every active indicator against the site's target in force "
                               "today"),
        "completeness": reporting_completeness(site),
        "fidelity_chart": fidelity_chart(site, dashboard.profile),
        "questionnaires": answered_questionnaires(site),
        "peer_assessments": peer_assessments_received(site),
        "registrations": registrations,
        "modules": modules,
        "people": people,
        "modules_completed": len(set().union(*(p.completed for p in people))) if people else 0,
        "adaptations": site_adaptations(site),
    }


def report_kind():
    from essaimage.reports import ReportKind

    return ReportKind(key=KEY, label=gettext_lazy("Site evaluation report"),
                      subject_model=AdopterSite, template=TEMPLATE,
                      build_context=build_context, may_request=may_request, may_read=may_read,
                      filename=filename)
