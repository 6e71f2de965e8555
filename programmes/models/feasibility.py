"""Stage I: is the innovation replicable, and how will it scale (the strategy)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Territory
from innovations.models import Component
from innovations.scaling import ScalingModel, ScalingSubtype

from .pipeline import ScalingProject


class ReplicabilityAssessment(models.Model):
    """The feasibility study's verdict: criteria scored with evidence, and a recommendation."""

    class Recommendation(models.TextChoices):
        UNDECIDED = "undecided", _("Not decided yet")
        GO = "go", _("Go: replicable")
        GO_WITH_CONDITIONS = "go_with_conditions", _("Go, with conditions")
        NO_GO = "no_go", _("No-go")

    project = models.OneToOneField(ScalingProject, models.CASCADE,
                                   related_name="assessment")
    summary = models.TextField(_("summary"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=20,
                                      choices=Recommendation, default=Recommendation.UNDECIDED)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("replicability assessment")
        verbose_name_plural = _("replicability assessments")

    def __str__(self):
        return str(self.project)


class AssessmentScore(models.Model):
    """One criterion of replicability, scored 1 (weak) to 4 (strong), with its evidence."""

    class Criterion(models.TextChoices):
        IMPACT_SHOWN = "impact_shown", _("Impact shown")
        MODELLING_DONE = "modelling_done", _("Modelling done")
        WILLINGNESS = "willingness", _("Innovator's willingness to transmit")
        CAPACITY = "capacity", _("Innovator's capacity to transmit")
        ECONOMIC_VIABILITY = "economic_viability", _("Economic viability")
        NEED = "need", _("Need on target territories")
        PREREQUISITES = "prerequisites", _("Prerequisites can be met")
        RISKS = "risks", _("Risks are under control")

    MAX = 4

    assessment = models.ForeignKey(ReplicabilityAssessment, models.CASCADE,
                                   related_name="scores")
    criterion = models.CharField(_("criterion"), max_length=30, choices=Criterion)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(MAX)])
    evidence = models.TextField(_("evidence"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("replicability score")
        verbose_name_plural = _("replicability scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"],
                                    name="assessment_score_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=4),
                                   name="assessment_score_range"),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.score}"


class ScalingStrategy(models.Model):
    """How the project will scale: models, standardisation vs autonomy, targets, economics."""

    # Seed 004: the balance between standardisation (central control, lower cost) and
    # autonomy (local appropriation by the adopters).
    class Balance(models.IntegerChoices):
        STANDARDISED = 1, _("Strongly standardised")
        RATHER_STANDARDISED = 2, _("Rather standardised")
        BALANCED = 3, _("Balanced")
        RATHER_AUTONOMOUS = 4, _("Rather autonomous")
        AUTONOMOUS = 5, _("Strongly autonomous")

    project = models.OneToOneField(ScalingProject, models.CASCADE, related_name="strategy")
    balance = models.PositiveSmallIntegerField(_("standardisation or autonomy"), choices=Balance,
                                               default=Balance.BALANCED)
    target_territories = models.ManyToManyField(
        Territory, blank=True, related_name="scaling_strategies",
        verbose_name=_("target territories"),
        help_text=_("Départements or régions where adopter sites may be; a région covers its "
                    "départements."),
    )
    target_sites = models.PositiveIntegerField(_("number of sites aimed at"), null=True,
                                               blank=True)
    economic_model = models.TextField(_("economic model of the scaling"), blank=True)
    communication = models.TextField(_("communication strategy"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[target_territories])

    class Meta:
        verbose_name = _("scaling strategy")
        verbose_name_plural = _("scaling strategies")

    def __str__(self):
        return str(self.project)


class StrategyModel(models.Model):
    """A scaling model the strategy uses, with its sub-type."""

    strategy = models.ForeignKey(ScalingStrategy, models.CASCADE, related_name="models")
    model = models.CharField(_("scaling model"), max_length=20, choices=ScalingModel)
    subtype = models.CharField(_("sub-type"), max_length=20, choices=ScalingSubtype, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scaling model used")
        verbose_name_plural = _("scaling models used")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "model"], name="strategy_model_unique"),
        ]

    def __str__(self):
        return self.get_model_display()


class StrategyComponent(models.Model):
    """A core or adaptable component, taken from the innovation record and refined here; the
    training plan maps its modules to core components, sites record their adaptations."""

    strategy = models.ForeignKey(ScalingStrategy, models.CASCADE, related_name="components")
    kind = models.CharField(_("kind"), max_length=20, choices=Component.Kind)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.ForeignKey(Component, models.SET_NULL, null=True, blank=True,
                               related_name="strategy_components",
                               verbose_name=_("from the innovation record"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy component")
        verbose_name_plural = _("strategy components")
        ordering = ["kind", "order", "pk"]

    def __str__(self):
        return self.title
