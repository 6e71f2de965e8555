"""Who may read or change a project's fidelity scale and its sites' assessments.

The programme's staff build the scale and record external or peer assessments; the people of
an adopter site see their own site's profile and run its self-assessment; the project's readers
(funders, committee members, sponsors, the innovator) read the profiles and the comparison;
everyone else gets a 404.
"""

from essaimage.scoping import get_visible_or_404, require
from programmes.models import AdopterSite
from programmes.permissions import can_manage_project, is_site_member

from .models import FidelityAssessment, FidelityItem
from .permissions import get_in_readable_project_or_404


def get_fidelity_site_for_user(user, pk) -> AdopterSite:
    """Return the site if `user` may see it: its people, the project's readers, its sponsors."""
    return get_visible_or_404(
        AdopterSite.objects.select_related("project__programme", "project__innovation__owner",
                                           "structure", "territory"),
        user, pk=pk)


def can_self_assess(user, site: AdopterSite) -> bool:
    """The people of the site's structure assess their own site."""
    return is_site_member(user, site)


def can_record_assessment(user, site: AdopterSite, method: str) -> bool:
    """Staff record any assessment; the site's people only its self-assessment."""
    if can_manage_project(user, site.project):
        return True
    return method == FidelityAssessment.Method.SELF_ASSESSMENT and can_self_assess(user, site)


def can_assess(user, site: AdopterSite) -> bool:
    """Whether `user` may start some assessment of this site."""
    return can_manage_project(user, site.project) or can_self_assess(user, site)


def get_assessment_for_user(user, pk, *, write=False) -> FidelityAssessment:
    """Return the assessment if `user` may see its site, or fill it in when `write` is set:
    staff for any method, the site's people for their self-assessment."""
    assessment = get_visible_or_404(
        FidelityAssessment.objects.select_related(
            "site__project__programme", "site__project__innovation__owner",
            "site__project__fidelity_scale", "site__structure", "site__territory", "rater"),
        user, pk=pk)
    if write:
        require(can_record_assessment(user, assessment.site, assessment.method))
    return assessment


def get_item_for_user(user, pk, *, write=False) -> FidelityItem:
    """Return a fidelity item to the readers of its project, or to its staff when `write`."""
    return get_in_readable_project_or_404(
        FidelityItem.objects.select_related("domain__scale__project__programme",
                                            "domain__scale__project__innovation__owner"),
        user, "domain__scale__project", write=write, pk=pk)
