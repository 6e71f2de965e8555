"""The columns of the knowledge bank's export (see essaimage.exports)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from communities.models import Territory
from essaimage.exports import BOOL, CHOICE, DATE, INTEGER, Column

from .models import Innovation, ScalingModelChoice, TargetPublic, Theme
from .selectors.bank import with_endorsement_counts


def bank_rows(innovations):
    """The bank's innovations with what the export reads: the owner in the same query, the
    themes, publics, territories and scaling models once per chunk."""
    return (
        with_endorsement_counts(innovations)
        .select_related("owner")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
            Prefetch("publics", queryset=TargetPublic.objects.order_by("name")),
            Prefetch("territories", queryset=Territory.objects.order_by("code")),
            Prefetch("model_choices", queryset=ScalingModelChoice.objects.order_by("model")),
        )
    )


def _names(relation: str):
    return lambda innovation: [str(item) for item in getattr(innovation, relation).all()]


def _models(innovation) -> list[str]:
    return [str(choice.get_model_display()) for choice in innovation.model_choices.all()]


INNOVATION_COLUMNS = [
    Column(_("Title"), "title", width=40),
    Column(_("Innovator"), "owner.name", width=32),
    Column(_("Public innovation"), "is_public_innovation", BOOL),
    Column(_("Level of evidence"), "evidence_level", CHOICE,
           choices=Innovation.EvidenceLevel, width=24),
    Column(_("Stage"), "stage", CHOICE, choices=Innovation.Stage, width=24),
    Column(_("Themes"), _names("themes"), width=30),
    Column(_("Target publics"), _names("publics"), width=30),
    Column(_("Territories"), _names("territories"), width=30),
    Column(_("Scaling models"), _models, width=30),
    Column(_("Beneficiaries per year"), "beneficiaries_per_year", INTEGER),
    Column(_("Published on"), "published_at", DATE),
    Column(_("Peers who run it"), "run_it_count", INTEGER),
    Column(_("Structures that want to adopt it"), "adopt_count", INTEGER),
    Column(_("Summary"), "summary", width=60),
]
