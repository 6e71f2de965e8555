"""The funder report: what one funder supports. The programmes it funds, each with its
projects (stage, status, sites by status, headline indicators against their targets) and the
money the funder put into the projects' pooled grants (optioned, confirmed, paid), with totals;
projects it funds through a pool only appear under their programme too.

The report is the same whoever asks for it, so that any of its readers may read any version:
the funder's own people read all it funds; the staff of its programmes read it when they run
every programme it covers (otherwise it would show them programmes they do not run).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Membership, Structure
from programmes.models import AdopterSite, FundingPool, Programme, ScalingProject
from programmes.queries.funding import Amounts, pool_options

from ..selectors.aggregation import Scope
from ..selectors.dashboards import programme_lines
from . import Section, indicator_line

KEY = "funder_report"
TEMPLATE = "reports/funder_report.html"


# --- What the funder supports ------------------------------------------------------------------


def funded_projects(funder: Structure):
    """The live projects of the programmes the funder funds, and those where it took an option
    in the pooled grant."""
    return (ScalingProject.objects.active()
            .filter(Q(programme__funders=funder) | Q(funding_pool__options__funder=funder))
            .distinct())


def covered_programmes(funder: Structure):
    """The live programmes the report covers: funded ones, and those of the projects whose
    pool the funder joined."""
    return (Programme.objects.active()
            .filter(Q(funders=funder) | Q(pk__in=funded_projects(funder).values("programme")))
            .distinct())


# --- Who ---------------------------------------------------------------------------------------


def readable_funders(user, funders):
    """Among `funders` (structures), those whose report `user` may read and ask for: the
    funder's own people, and the staff who run every live programme the report covers (and
    there is one). One query."""
    if not user.is_authenticated:
        return funders.none()
    if user.is_superuser:
        return funders
    covered = Programme.objects.active().filter(
        Q(funders=OuterRef("pk"))
        | Q(projects__in=ScalingProject.objects.active().filter(
            funding_pool__options__funder=OuterRef(OuterRef("pk")))))
    member = Membership.objects.filter(user=user, structure=OuterRef("pk"))
    return funders.filter(
        Exists(member)
        | (Exists(covered.values("pk")) & ~Exists(covered.exclude(staff=user).values("pk"))))


def may_request(user, funder: Structure) -> bool:
    """The funder's people, and the staff who run every programme it covers."""
    return readable_funders(user, Structure.objects.filter(pk=funder.pk)).exists()


may_read = may_request


def filename(funder: Structure, params: dict) -> str:
    name = slugify(funder.acronym or funder.name)[:60] or str(funder.pk)
    return f"rapport-financeur-{name}-{timezone.localdate():%Y-%m-%d}.pdf"


# --- The parts ---------------------------------------------------------------------------------


def _add(left: Amounts, right: Amounts) -> Amounts:
    return Amounts(left.optioned + right.optioned, left.confirmed + right.confirmed,
                   left.paid + right.paid)


@dataclass
class ProjectPart:
    project: ScalingProject
    sites_by_status: list  # (label, count)
    site_count: int
    line: object  # dashboards.ProjectLine: headline totals and reports received
    indicator_lines: list
    option: object | None  # the funder's option in the project's pool (pool_options' row)
    through_pool_only: bool = False


@dataclass
class ProgrammePart:
    programme: Programme
    funds_programme: bool
    projects: list[ProjectPart] = field(default_factory=list)
    amounts: Amounts = field(default_factory=Amounts)


def funder_options(funder: Structure, projects) -> dict[int, object]:
    """The funder's option in each project's pool, as the pool's page computes it
    (programmes.queries.funding.pool_options), by project id."""
    pools = (FundingPool.objects.filter(project__in=[p.pk for p in projects],
                                        options__funder=funder).distinct())
    found = {}
    for pool in pools:
        for option in pool_options(pool):
            if option.funder_id == funder.pk:
                found[pool.project_id] = option
    return found


def programme_parts(funder: Structure) -> list[ProgrammePart]:
    """The programmes the funder supports, with their projects and the funder's money."""
    programmes = list(covered_programmes(funder).select_related("lead_structure")
                      .order_by("name", "pk"))
    funded_ids = set(Programme.objects.filter(funders=funder).values_list("pk", flat=True))
    projects = list(funded_projects(funder).filter(programme__in=programmes)
                    .select_related("innovation__owner").order_by("title", "pk"))
    by_status: dict[int, dict[str, int]] = {}
    for row in (AdopterSite.objects.filter(project__in=[p.pk for p in projects]).order_by()
                .values("project", "status").annotate(n=Count("pk"))):
        by_status.setdefault(row["project"], {})[row["status"]] = row["n"]
    lines = {line.project.pk: line for line in programme_lines(projects, Scope())}
    options = funder_options(funder, projects)
    parts = {programme.pk: ProgrammePart(programme, programme.pk in funded_ids)
             for programme in programmes}
    for project in projects:
        part = parts[project.programme_id]
        counts = by_status.get(project.pk, {})
        line = lines[project.pk]
        option = options.get(project.pk)
        part.projects.append(ProjectPart(
            project,
            [(label, counts[status]) for status, label in AdopterSite.Status.choices
             if counts.get(status)],
            sum(counts.values()), line,
            [indicator_line(total, missing_sites=total.missing_sites) for total in line.totals],
            option, through_pool_only=not part.funds_programme))
        if option is not None:
            part.amounts = _add(part.amounts, option.amounts)
    return list(parts.values())


# --- The report --------------------------------------------------------------------------------


def sections(parts: list[ProgrammePart]) -> dict[str, Section]:
    chapters = {"summary": Section("section-summary", _("What the funder supports"))}
    for part in parts:
        chapters[f"programme-{part.programme.pk}"] = Section(
            f"section-programme-{part.programme.pk}", part.programme.name)
    chapters["money"] = Section("section-money", _("Pooled scaling grants: totals"))
    return chapters


def build_context(funder: Structure, params: dict) -> dict:
    """Everything the funder report shows: a fixed number of queries, then three per pool the
    funder joined (the pool's own selector)."""
    parts = programme_parts(funder)
    total = Amounts()
    for part in parts:
        total = _add(total, part.amounts)
    chapters = sections(parts)
    return {
        "report_title": _("Funder report"),
        "report_subtitle": funder.name,
        "toc": [section.as_toc() for section in chapters.values()],
        "summary_section": chapters["summary"],
        "money_section": chapters["money"],
        "funder": funder,
        "programmes": [(part, chapters[f"programme-{part.programme.pk}"]) for part in parts],
        "project_count": sum(len(part.projects) for part in parts),
        "site_count": sum(project.site_count for part in parts for project in part.projects),
        "option_count": sum(1 for part in parts for project in part.projects
                            if project.option is not None),
        "total": total,
    }


def report_kind():
    from essaimage.reports import ReportKind

    return ReportKind(key=KEY, label=gettext_lazy("Funder report"), subject_model=Structure,
                      template=TEMPLATE, build_context=build_context, may_request=may_request,
                      may_read=may_read, filename=filename)
