"""Changes to stage I: the replicability assessment and the scaling strategy."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities.models import Territory
from innovations.models import Component
from innovations.scaling import SUBTYPES, ScalingModel

from ..models import (
    AssessmentScore,
    ReplicabilityAssessment,
    ScalingProject,
    ScalingStrategy,
    SiteAdaptation,
    StrategyComponent,
    StrategyModel,
    TrainingModule,
)
from ..permissions import can_manage_project

Criterion = AssessmentScore.Criterion
Recommendation = ReplicabilityAssessment.Recommendation

TEXT_MAX = 10_000
TARGET_SITES_MAX = 100_000


def _require_staff(author, project: ScalingProject) -> None:
    if author is not None and not can_manage_project(author, project):
        raise PermissionDenied(_("Only the programme's staff run the feasibility study."))


# --- Replicability assessment ---------------------------------------------------------------


def _valid_score(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= \
        AssessmentScore.MAX


@transaction.atomic
def save_assessment(project: ScalingProject, *, author, scores: dict, summary: str = "",
                    recommendation: str = Recommendation.UNDECIDED) -> ReplicabilityAssessment:
    """Keep the assessment: each criterion scored 1 to 4 with its evidence (None leaves it
    unscored), a summary, and a recommendation once every criterion is scored.

    `scores` maps a criterion to (score, evidence).
    """
    _require_staff(author, project)
    errors = {}
    unknown = set(scores) - set(Criterion.values)
    if unknown:
        raise ValidationError(_("Unknown criterion: %(names)s.") % {
            "names": ", ".join(sorted(map(str, unknown)))}, code="unknown_criterion")
    cleaned = {}
    for criterion in Criterion.values:
        score, evidence = scores.get(criterion, (None, ""))
        evidence = (evidence or "").strip()
        if score is None:
            if evidence:
                errors[f"score_{criterion}"] = ValidationError(
                    _("Score this criterion to keep its evidence."), code="score_required")
            continue
        if not _valid_score(score):
            errors[f"score_{criterion}"] = ValidationError(
                _("A score goes from 1 (weak) to %(max)s (strong).") % {
                    "max": AssessmentScore.MAX}, code="score_out_of_range")
            continue
        if len(evidence) > TEXT_MAX:
            errors[f"evidence_{criterion}"] = ValidationError(
                _("Keep the evidence under %(max)s characters.") % {"max": TEXT_MAX},
                code="too_long")
            continue
        cleaned[criterion] = (score, evidence)
    if recommendation not in Recommendation.values:
        errors["recommendation"] = ValidationError(_("Choose a recommendation."),
                                                   code="invalid_recommendation")
    elif recommendation != Recommendation.UNDECIDED and len(cleaned) < len(Criterion) \
            and not errors:
        errors["recommendation"] = ValidationError(
            _("Score every criterion before recommending: %(missing)s.") % {
                "missing": ", ".join(str(Criterion(c).label) for c in Criterion.values
                                     if c not in cleaned)},
            code="incomplete_assessment")
    summary = (summary or "").strip()
    if len(summary) > TEXT_MAX:
        errors["summary"] = ValidationError(
            _("Keep the summary under %(max)s characters.") % {"max": TEXT_MAX}, code="too_long")
    if errors:
        raise ValidationError(errors)

    assessment, _created = ReplicabilityAssessment.objects.select_for_update().get_or_create(
        project=project)
    assessment.summary = summary
    assessment.recommendation = recommendation
    assessment._history_user = author
    assessment.save()
    existing = {score.criterion: score for score in assessment.scores.all()}
    for criterion, row in existing.items():
        if criterion not in cleaned:
            row._history_user = author
            row.delete()
    for criterion, (value, evidence) in cleaned.items():
        row = existing.get(criterion) or AssessmentScore(assessment=assessment,
                                                         criterion=criterion)
        if row.pk and (row.score, row.evidence) == (value, evidence):
            continue
        row.score, row.evidence = value, evidence
        row._history_user = author
        row.save()
    return assessment


# --- Scaling strategy -----------------------------------------------------------------------


def strategy_for(project: ScalingProject, *, author) -> ScalingStrategy:
    """The project's strategy; on first opening it is created with the core and adaptable
    components of the innovation record, to be refined here."""
    existing = ScalingStrategy.objects.filter(project=project).first()
    if existing is not None:
        return existing
    _require_staff(author, project)
    try:
        with transaction.atomic():
            strategy = ScalingStrategy(project=project)
            strategy._history_user = author
            strategy.save()
            for order, component in enumerate(project.innovation.components.order_by(
                    "kind", "order", "pk")):
                copy = StrategyComponent(strategy=strategy, kind=component.kind,
                                         title=component.title,
                                         description=component.description, source=component,
                                         order=order)
                copy._history_user = author
                copy.save()
    except IntegrityError:
        # Opened twice at once: the other request created it.
        return ScalingStrategy.objects.get(project=project)
    return strategy


@transaction.atomic
def update_strategy(strategy: ScalingStrategy, *, author, models: dict, balance: int,
                    target_territories=(), target_sites: int | None = None,
                    economic_model: str = "", communication: str = "") -> ScalingStrategy:
    """Keep the strategy: its scaling models (model → sub-type, "" when not chosen yet), the
    balance between standardisation and autonomy, targets, economics and communication."""
    _require_staff(author, strategy.project)
    errors = {}
    for model, subtype in models.items():
        if model not in ScalingModel.values:
            errors["models"] = ValidationError(_("Unknown scaling model: %(model)s.") % {
                "model": str(model)[:50]}, code="unknown_model")
            break
        if subtype and subtype not in SUBTYPES[ScalingModel(model)]:
            errors[f"subtype_{model}"] = ValidationError(
                _("This sub-type is not one of %(model)s.") % {
                    "model": ScalingModel(model).label}, code="subtype_mismatch")
    if balance not in ScalingStrategy.Balance.values:
        errors["balance"] = ValidationError(_("Choose where the project stands."),
                                            code="invalid_balance")
    if target_sites is not None and not 0 <= target_sites <= TARGET_SITES_MAX:
        errors["target_sites"] = ValidationError(
            _("Aim at between 0 and %(max)s sites.") % {"max": TARGET_SITES_MAX},
            code="invalid_target")
    for name, value in (("economic_model", economic_model), ("communication", communication)):
        if len(value or "") > TEXT_MAX:
            errors[name] = ValidationError(
                _("Keep this text under %(max)s characters.") % {"max": TEXT_MAX},
                code="too_long")
    territories = list(target_territories)
    if any(not isinstance(t, Territory) for t in territories):
        errors["target_territories"] = ValidationError(_("Choose départements or régions."),
                                                       code="invalid_territory")
    if errors:
        raise ValidationError(errors)

    locked = ScalingStrategy.objects.select_for_update().get(pk=strategy.pk)
    locked.balance = balance
    locked.target_sites = target_sites
    locked.economic_model = (economic_model or "").strip()
    locked.communication = (communication or "").strip()
    locked._history_user = author
    locked.save()
    locked.target_territories.set(territories)

    current = {row.model: row for row in StrategyModel.objects.filter(strategy=locked)}
    StrategyModel.objects.filter(strategy=locked).exclude(model__in=list(models)).delete()
    for model, subtype in models.items():
        row = current.get(model)
        if row is None:
            StrategyModel.objects.create(strategy=locked, model=model, subtype=subtype or "")
        elif row.subtype != (subtype or ""):
            row.subtype = subtype or ""
            row.save(update_fields=["subtype"])
    strategy.refresh_from_db()
    return strategy


def components_in_use(strategy: ScalingStrategy) -> dict[int, list[str]]:
    """For each component of the strategy that something depends on, what depends on it."""
    uses: dict[int, list[str]] = {}
    modules = (TrainingModule.components.through.objects
               .filter(strategycomponent__strategy=strategy)
               .values_list("strategycomponent_id", "trainingmodule__title"))
    for component_id, title in modules:
        uses.setdefault(component_id, []).append(
            _("training module “%(title)s”") % {"title": title})
    adaptations = (SiteAdaptation.objects.filter(component__strategy=strategy)
                   .select_related("site__structure", "site__territory")
                   .only("component_id", "site__name", "site__structure__name",
                         "site__territory__name", "site__territory__code",
                         "site__territory__kind"))
    for adaptation in adaptations:
        uses.setdefault(adaptation.component_id, []).append(
            _("adaptation of the site %(site)s") % {"site": adaptation.site})
    return uses


@transaction.atomic
def update_components(strategy: ScalingStrategy, *, author,
                      rows: list[dict]) -> list[StrategyComponent]:
    """Make the strategy's components what `rows` lists, in that order: each row is a dict
    with kind, title, description and the pk of an existing component (None for a new one).
    Components left out are removed, unless a training module or a site adaptation uses them."""
    _require_staff(author, strategy.project)
    locked = ScalingStrategy.objects.select_for_update().get(pk=strategy.pk)
    existing = {c.pk: c for c in StrategyComponent.objects.filter(strategy=locked)}
    kinds = set(Component.Kind.values)
    errors = []
    seen = set()
    for index, row in enumerate(rows, start=1):
        pk = row.get("pk")
        if pk is not None and (pk not in existing or pk in seen):
            errors.append(ValidationError(
                _("Row %(row)s is not a component of this strategy.") % {"row": index},
                code="unknown_component"))
        seen.add(pk)
        if row.get("kind") not in kinds:
            errors.append(ValidationError(_("Row %(row)s: choose core or adaptable.") % {
                "row": index}, code="invalid_kind"))
        if not (row.get("title") or "").strip():
            errors.append(ValidationError(_("Row %(row)s needs a title.") % {"row": index},
                                          code="title_required"))
    removed = [component for pk, component in existing.items() if pk not in seen]
    uses = components_in_use(locked) if removed else {}
    for component in removed:
        if component.pk in uses:
            errors.append(ValidationError(
                _("“%(component)s” cannot be removed: it is used by %(uses)s.") % {
                    "component": component.title, "uses": ", ".join(uses[component.pk])},
                code="component_in_use"))
    if errors:
        raise ValidationError(errors)

    for component in removed:
        component._history_user = author
        component.delete()
    order = {kind: 0 for kind in kinds}
    kept = []
    for row in rows:
        kind = row["kind"]
        values = {"kind": kind, "title": row["title"].strip()[:200],
                  "description": (row.get("description") or "").strip()[:TEXT_MAX],
                  "order": order[kind]}
        order[kind] += 1
        component = existing.get(row.get("pk")) or StrategyComponent(strategy=locked)
        if component.pk and all(getattr(component, k) == v for k, v in values.items()):
            kept.append(component)
            continue
        for name, value in values.items():
            setattr(component, name, value)
        component._history_user = author
        component.save()
        kept.append(component)
    return kept
