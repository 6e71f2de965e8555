"""Fixtures shared by the fidelity tests: a small scale of two domains and three items."""

from datetime import date

import pytest

from evaluations.models import FidelityAssessment, FidelityLevelDescription
from evaluations.services import fidelity as services

from ..factories import (
    FidelityAssessmentFactory,
    FidelityDomainFactory,
    FidelityItemFactory,
    FidelityRatingFactory,
    FidelityScaleFactory,
)


@pytest.fixture
def scale(project):
    """Housing (two items) and Support (one item), rated 1 to 4, support needed at 2 or less."""
    scale = FidelityScaleFactory(project=project, title="Échelle TAPAJ", max_level=4,
                                 alert_threshold=2)
    housing = FidelityDomainFactory(scale=scale, name="Logement", position=0)
    support = FidelityDomainFactory(scale=scale, name="Accompagnement", position=1)
    for domain, label, position in ((housing, "Accès direct au logement", 0),
                                    (housing, "Choix du logement", 1),
                                    (support, "Intensité de l'accompagnement", 0)):
        item = FidelityItemFactory(domain=domain, label=label, position=position)
        FidelityLevelDescription.objects.bulk_create([
            FidelityLevelDescription(item=item, level=level, description=f"{label} — niveau "
                                     f"{level}") for level in range(1, 5)])
    return scale


def items_of(scale):
    """The items in the scale's order: access, choice (housing), intensity (support)."""
    return list(scale.domains.order_by("position").get(name="Logement").items
                .order_by("position")) + list(
        scale.domains.get(name="Accompagnement").items.all())


def completed(site, scale, levels, *, day=date(2025, 6, 30),
              method=FidelityAssessment.Method.EXTERNAL):
    """A completed assessment of `site` rating the items, in order, at `levels`."""
    assessment = FidelityAssessmentFactory(site=site, assessed_on=day, method=method,
                                           status=FidelityAssessment.Status.COMPLETED)
    for item, level in zip(items_of(scale), levels, strict=True):
        FidelityRatingFactory(assessment=assessment, item=item, level=level)
    return assessment


@pytest.fixture
def draft(scale, bob_site, bob):
    return services.start_assessment(scale, bob_site, by=bob, assessed_on=date(2025, 3, 1),
                                     method=FidelityAssessment.Method.SELF_ASSESSMENT)
