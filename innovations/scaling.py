"""The six scaling models of the seeds (Essec and Avise, 2014) and the matrix that suggests them.

Seed 004, section 2.C and annex 1: each model answers some of five objectives; an innovator
who names their objectives gets the models that serve the most of them, with the reason.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScalingModel(models.TextChoices):
    SCALE_DEEP = "scale_deep", _("Deepening (scale deep)")
    SCALE_OUT = "scale_out", _("Diversification (scale out)")
    SCALE_UP = "scale_up", _("Duplication (scale up)")
    SCALE_ACROSS = "scale_across", _("Fertilisation (scale across)")
    SCALE_TOGETHER = "scale_together", _("Cooperation (scale together)")
    SCALE_BY_MIXING = "scale_by_mixing", _("Merger (scale by mixing)")


class ScalingSubtype(models.TextChoices):
    HORIZONTAL = "horizontal", _("Horizontal diversification")
    VERTICAL = "vertical", _("Vertical diversification")
    CONGLOMERATE = "conglomerate", _("Conglomerate diversification")
    FLEXIBLE = "flexible", _("Flexible duplication")
    FRANCHISED = "franchised", _("Franchised duplication")
    CENTRALISED = "centralised", _("Centralised duplication")
    FORMALISED = "formalised", _("Formalised fertilisation")
    DISSEMINATION = "dissemination", _("Dissemination (open innovation)")
    SIMPLE = "simple", _("Simple cooperation")
    STRATEGIC = "strategic", _("Strategic cooperation")
    REINFORCED = "reinforced", _("Reinforced cooperation")
    ABSORPTION = "absorption", _("Merger by absorption")
    CREATION = "creation", _("Merger by creation")


SUBTYPES = {
    ScalingModel.SCALE_DEEP: [],
    ScalingModel.SCALE_OUT: [ScalingSubtype.HORIZONTAL, ScalingSubtype.VERTICAL,
                             ScalingSubtype.CONGLOMERATE],
    ScalingModel.SCALE_UP: [ScalingSubtype.FLEXIBLE, ScalingSubtype.FRANCHISED,
                            ScalingSubtype.CENTRALISED],
    ScalingModel.SCALE_ACROSS: [ScalingSubtype.FORMALISED, ScalingSubtype.DISSEMINATION],
    ScalingModel.SCALE_TOGETHER: [ScalingSubtype.SIMPLE, ScalingSubtype.STRATEGIC,
                                  ScalingSubtype.REINFORCED],
    ScalingModel.SCALE_BY_MIXING: [ScalingSubtype.ABSORPTION, ScalingSubtype.CREATION],
}

DESCRIPTIONS = {
    ScalingModel.SCALE_DEEP: _("Doing better what one already does."),
    ScalingModel.SCALE_OUT: _("Doing something else than what one already does."),
    ScalingModel.SCALE_UP: _("Doing more of what one already does, in new entities on other "
                             "territories."),
    ScalingModel.SCALE_ACROSS: _("Having others do what one already does: existing structures "
                                 "take up the know-how."),
    ScalingModel.SCALE_TOGETHER: _("Doing together to do more and better, each keeping its "
                                   "autonomy."),
    ScalingModel.SCALE_BY_MIXING: _("Uniting to strengthen the project."),
}


class ScalingObjective(models.TextChoices):
    IMPACT_PER_BENEFICIARY = "impact_per_beneficiary", _("Increase the impact on each beneficiary")
    BENEFICIARIES_PER_TERRITORY = "beneficiaries_per_territory", _(
        "Increase the number of beneficiaries per territory")
    NUMBER_OF_TERRITORIES = "number_of_territories", _("Increase the number of territories")
    SUSTAINABLE_ECONOMIC_MODEL = "sustainable_economic_model", _(
        "Make the economic model sustainable")
    EFFICIENCY = "efficiency", _("Increase efficiency (economies of scale, productivity)")


# The seed's table: for each objective, the models marked with a cross.
MATRIX = {
    ScalingObjective.IMPACT_PER_BENEFICIARY: {
        ScalingModel.SCALE_DEEP, ScalingModel.SCALE_OUT, ScalingModel.SCALE_TOGETHER,
        ScalingModel.SCALE_BY_MIXING},
    ScalingObjective.BENEFICIARIES_PER_TERRITORY: {
        ScalingModel.SCALE_OUT, ScalingModel.SCALE_UP, ScalingModel.SCALE_TOGETHER,
        ScalingModel.SCALE_BY_MIXING},
    ScalingObjective.NUMBER_OF_TERRITORIES: {
        ScalingModel.SCALE_UP, ScalingModel.SCALE_ACROSS, ScalingModel.SCALE_TOGETHER,
        ScalingModel.SCALE_BY_MIXING},
    ScalingObjective.SUSTAINABLE_ECONOMIC_MODEL: {
        ScalingModel.SCALE_DEEP, ScalingModel.SCALE_OUT, ScalingModel.SCALE_TOGETHER,
        ScalingModel.SCALE_BY_MIXING},
    ScalingObjective.EFFICIENCY: {
        ScalingModel.SCALE_DEEP, ScalingModel.SCALE_OUT, ScalingModel.SCALE_UP,
        ScalingModel.SCALE_TOGETHER, ScalingModel.SCALE_BY_MIXING},
}


@dataclass(frozen=True)
class Suggestion:
    model: ScalingModel
    objectives: tuple[ScalingObjective, ...]

    @property
    def covers_all(self) -> bool:
        return bool(self.objectives) and len(self.objectives) == self.wanted

    wanted: int = 0


def suggest_models(objectives) -> list[Suggestion]:
    """Models that serve the chosen objectives, those serving the most of them first.

    Each suggestion names the objectives it serves, which is its reason.
    """
    chosen = [ScalingObjective(o) for o in objectives]
    suggestions = []
    for model in ScalingModel:
        served = tuple(o for o in chosen if model in MATRIX[o])
        if served:
            suggestions.append(Suggestion(model, served, wanted=len(chosen)))
    order = list(ScalingModel)
    return sorted(suggestions, key=lambda s: (-len(s.objectives), order.index(s.model)))
