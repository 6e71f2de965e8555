"""Reads for stage I: the assessment with its total, the strategy with its components."""

from dataclasses import dataclass

from innovations.scaling import DESCRIPTIONS, ScalingModel, ScalingSubtype
from innovations.selectors.records import model_suggestions

from ..models import AssessmentScore, ReplicabilityAssessment, ScalingStrategy
from ..services.feasibility import components_in_use

Criterion = AssessmentScore.Criterion


@dataclass(frozen=True)
class CriterionRow:
    criterion: str
    score: int | None
    evidence: str

    @property
    def label(self) -> str:
        return Criterion(self.criterion).label


@dataclass(frozen=True)
class AssessmentSummary:
    rows: list[CriterionRow]
    assessment: ReplicabilityAssessment | None

    @property
    def total(self) -> int:
        return sum(row.score for row in self.rows if row.score)

    @property
    def maximum(self) -> int:
        return AssessmentScore.MAX * len(self.rows)

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.score)

    @property
    def is_complete(self) -> bool:
        return self.scored == len(self.rows)

    @property
    def recommendation(self) -> str:
        if self.assessment is None:
            return ReplicabilityAssessment.Recommendation.UNDECIDED
        return self.assessment.recommendation

    @property
    def is_favourable(self) -> bool:
        return self.recommendation in (ReplicabilityAssessment.Recommendation.GO,
                                       ReplicabilityAssessment.Recommendation.GO_WITH_CONDITIONS)


def assessment_of(project) -> AssessmentSummary:
    """The project's assessment, criterion by criterion in the rubric's order, with its total."""
    assessment = (ReplicabilityAssessment.objects.filter(project=project)
                  .prefetch_related("scores").first())
    scores = {s.criterion: s for s in assessment.scores.all()} if assessment else {}
    rows = [CriterionRow(c, scores[c].score if c in scores else None,
                         scores[c].evidence if c in scores else "")
            for c in Criterion.values]
    return AssessmentSummary(rows, assessment)


@dataclass(frozen=True)
class ChosenModel:
    model: str
    subtype: str

    @property
    def label(self) -> str:
        return ScalingModel(self.model).label

    @property
    def subtype_label(self) -> str:
        return ScalingSubtype(self.subtype).label if self.subtype in ScalingSubtype.values else ""

    @property
    def description(self) -> str:
        return str(DESCRIPTIONS[ScalingModel(self.model)])


@dataclass
class StrategyPage:
    strategy: ScalingStrategy | None
    models: list[ChosenModel]
    territories: list
    core: list
    adaptable: list
    suggestions: list
    considered: list  # the innovator's own choices on the innovation record


def strategy_page(project, strategy: ScalingStrategy | None) -> StrategyPage:
    """The strategy as its page shows it, and what the innovation record suggests."""
    innovation = project.innovation
    considered = [ChosenModel(c.model, c.subtype) for c in innovation.model_choices.all()
                  if c.model in ScalingModel.values]
    if strategy is None:
        components = list(innovation.components.all())
        for component in components:
            component.uses = []
        chosen, territories = [], []
    else:
        order = list(ScalingModel.values)
        chosen = sorted((ChosenModel(m.model, m.subtype) for m in strategy.models.all()
                         if m.model in order), key=lambda m: order.index(m.model))
        territories = list(strategy.target_territories.order_by("kind", "code"))
        components = list(strategy.components.select_related("source"))
        uses = components_in_use(strategy)
        for component in components:
            component.uses = uses.get(component.pk, [])
    suggestions = model_suggestions(innovation.scaling_objectives,
                                    {m.model: m.subtype for m in chosen})
    return StrategyPage(
        strategy=strategy, models=chosen, territories=territories,
        core=[c for c in components if c.kind == "core"],
        adaptable=[c for c in components if c.kind == "adaptable"],
        suggestions=suggestions, considered=considered,
    )
