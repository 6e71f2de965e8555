"""The demo fidelity data that seed_demo builds."""

import pytest

from evaluations.demo_fidelity import build_demo_fidelity
from evaluations.models import FidelityAssessment, FidelityItem, FidelityLevelDescription
from evaluations.selectors.fidelity import latest_fidelity_totals
from programmes.models import AdopterSite, ScalingStrategy, StrategyComponent

pytestmark = pytest.mark.django_db


def test_the_demo_scale_has_the_core_components_and_two_assessments_per_site(
        project, bob_site, carol_site):
    strategy = ScalingStrategy.objects.create(project=project)
    core = StrategyComponent.objects.create(strategy=strategy, kind="core",
                                            title="Travail payé à la journée")

    scale = build_demo_fidelity(project, [bob_site, carol_site])
    build_demo_fidelity(project, [bob_site, carol_site])  # safe to run twice

    domains = list(scale.domains.order_by("position").values_list("name", flat=True))
    assert domains[0] == "Cœur du modèle"
    assert len(domains) == 5
    assert FidelityItem.objects.get(component=core).domain.name == "Cœur du modèle"
    items = FidelityItem.objects.filter(domain__scale=scale)
    assert FidelityLevelDescription.objects.filter(item__in=items).count() == 4 * items.count()
    for site in (bob_site, carol_site):
        assessments = FidelityAssessment.objects.filter(site=site)
        assert assessments.count() == 2
        assert set(assessments.values_list("status", flat=True)) == {"completed"}
        assert all(a.ratings.count() == items.count() for a in assessments)
    totals = latest_fidelity_totals(AdopterSite.objects.filter(project=project))
    assert all(25 <= totals[site.pk] <= 100 for site in (bob_site, carol_site))
