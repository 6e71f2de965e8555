"""The innovation record ("fiche innovation"): what it is, its model, its economics, its versions."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Membership, Structure, Territory

from ..scaling import ScalingModel, ScalingObjective, ScalingSubtype


class Theme(models.Model):
    """A field of action: employment, housing, early childhood..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TargetPublic(models.Model):
    """A public an innovation serves: long-term jobseekers, young people, families..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("target public")
        verbose_name_plural = _("target publics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InnovationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Innovation.Status.PUBLISHED)

    def owned_by_member(self, user):
        return self.filter(owner__in=Membership.objects.filter(user=user).values("structure"))

    def visible_to(self, user):
        """Published records for every signed-in person; drafts for the owner's members."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        from .calls import Application

        member_of = Membership.objects.filter(user=user).values("structure")
        # Staff of a call see the drafts born from the applications they selected.
        from_my_calls = Application.objects.filter(
            call__managers=user, innovation__isnull=False
        ).values("innovation")
        return self.filter(
            Q(status=Innovation.Status.PUBLISHED)
            | Q(owner__in=member_of)
            | Q(pk__in=from_my_calls)
        )

    def editable_by(self, user):
        if user.is_superuser:
            return self
        return self.owned_by_member(user)


class Innovation(models.Model):
    """A social or public innovation that proved itself somewhere and may be scaled up."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class EvidenceLevel(models.TextChoices):
        NONE = "none", _("No evidence yet")
        INTERNAL_MONITORING = "internal_monitoring", _("Internal monitoring")
        EXTERNAL_EVALUATION = "external_evaluation", _("External evaluation")
        EXPERIMENTAL = "experimental", _("Experimental or quasi-experimental evaluation")

    class Stage(models.TextChoices):
        IDENTIFICATION = "identification", _("0 · Identification")
        FEASIBILITY = "feasibility", _("I · Feasibility study")
        MOBILISATION = "mobilisation", _("II · Stakeholder mobilisation")
        SCALING_UP = "scaling_up", _("III · Scaling-up")
        EVALUATION = "evaluation", _("IV · Evaluation")

    owner = models.ForeignKey(
        Structure, models.PROTECT, related_name="innovations", verbose_name=_("innovator")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    is_public_innovation = models.BooleanField(
        _("public innovation"), default=False,
        help_text=_("Born inside an administration rather than in civil society."),
    )
    problem = models.TextField(_("problem addressed"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    observed_impacts = models.TextField(_("observed impacts"), blank=True)
    evidence_level = models.CharField(
        _("level of evidence"), max_length=30, choices=EvidenceLevel, default=EvidenceLevel.NONE
    )
    evidence_references = models.TextField(
        _("evidence references"), blank=True,
        help_text=_("Evaluation reports, studies, monitoring data, with links."),
    )
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    success_factors = models.TextField(_("success factors"), blank=True)
    failure_factors = models.TextField(_("failure factors"), blank=True)
    beneficiaries_per_year = models.PositiveIntegerField(
        _("beneficiaries per year"), null=True, blank=True,
        help_text=_("On the original site; used to compute costs per beneficiary."),
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="innovations",
                                    verbose_name=_("themes"))
    publics = models.ManyToManyField(TargetPublic, blank=True, related_name="innovations",
                                     verbose_name=_("target publics"))
    territories = models.ManyToManyField(
        Territory, blank=True, related_name="innovations",
        verbose_name=_("territories where it runs today"),
    )
    scaling_objectives = models.JSONField(_("scaling objectives"), default=list, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage,
                             default=Stage.IDENTIFICATION)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The identifier the record has in another tool: imports match rows on it, per owner.
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True)

    # Kept up to date by services.records.refresh_search_document().
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text", "search_vector"])

    objects = InnovationQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["title", "pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="innovation_status_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "external_ref"],
                                    condition=~Q(external_ref=""),
                                    name="innovation_unique_external_ref"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("innovations:innovation_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def objective_labels(self) -> list[str]:
        return [ScalingObjective(code).label for code in self.scaling_objectives
                if code in ScalingObjective.values]


class Component(models.Model):
    """A part of the model: core (the same everywhere) or adaptable (the local margin)."""

    class Kind(models.TextChoices):
        CORE = "core", _("Core component")
        ADAPTABLE = "adaptable", _("Adaptable component")

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="components")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["kind", "order", "pk"]

    def __str__(self):
        return self.title


class Step(models.Model):
    """One step of the dispositif, described so that someone else can run it."""

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="steps")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Partner(models.Model):
    """A partner of the innovation, what it brings and when it joins."""

    class Phase(models.TextChoices):
        DESIGN = "design", _("Design")
        LAUNCH = "launch", _("Launch")
        OPERATION = "operation", _("Operation")
        SCALING = "scaling", _("Scaling-up")

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="partners")
    structure = models.ForeignKey(Structure, models.SET_NULL, null=True, blank=True,
                                  related_name="innovation_partnerships",
                                  verbose_name=_("structure"))
    name = models.CharField(_("name"), max_length=200)
    contribution = models.TextField(_("contribution"), blank=True)
    phase = models.CharField(_("phase it joins"), max_length=20, choices=Phase,
                             default=Phase.OPERATION)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["phase", "name"]

    def __str__(self):
        return self.name


class EconomicLine(models.Model):
    """A line of the economic model grid of seed 004 (proposal 4)."""

    class Category(models.TextChoices):
        SETUP_TIME = "setup_time", _("Agent time to set up")
        RUNNING_TIME = "running_time", _("Agent time to run")
        INVESTMENT = "investment", _("Investment")
        RUNNING_COST = "running_cost", _("Other running cost")
        EXCEPTIONAL_FUNDING = "exceptional_funding", _("Exceptional funding")
        COST_AVOIDED = "cost_avoided", _("Cost avoided")

    class Unit(models.TextChoices):
        EUROS = "euros", _("euros")
        DAYS = "days", _("days of work")
        FTE = "fte", _("full-time equivalents")

    class Period(models.TextChoices):
        ONE_OFF = "one_off", _("one-off")
        PER_MONTH = "per_month", _("per month")
        PER_YEAR = "per_year", _("per year")
        PER_BENEFICIARY = "per_beneficiary", _("per beneficiary")

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="economic_lines")
    category = models.CharField(_("category"), max_length=30, choices=Category)
    label = models.CharField(_("label"), max_length=200)
    nature = models.CharField(_("nature"), max_length=200, blank=True,
                              help_text=_("For investments: equipment, premises, software..."))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.EUROS)
    period = models.CharField(_("period"), max_length=20, choices=Period, default=Period.PER_YEAR)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("economic line")
        verbose_name_plural = _("economic model grid")
        ordering = ["category", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="economic_line_amount_positive"),
        ]

    def __str__(self):
        return self.label


class ScalingModelChoice(models.Model):
    """A scaling model the innovator considers for their innovation, with its sub-type."""

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="model_choices")
    model = models.CharField(_("scaling model"), max_length=20, choices=ScalingModel)
    subtype = models.CharField(_("sub-type"), max_length=20, choices=ScalingSubtype, blank=True)

    class Meta:
        verbose_name = _("scaling model considered")
        verbose_name_plural = _("scaling models considered")
        constraints = [
            models.UniqueConstraint(fields=["innovation", "model"], name="one_choice_per_model"),
        ]

    def __str__(self):
        return self.get_model_display()


class Revision(models.Model):
    """A saved version of the whole record, to compare versions and credit each contributor."""

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                               related_name="innovation_revisions", verbose_name=_("author"))
    comment = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    snapshot = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["innovation", "number"], name="revision_unique_number"),
        ]

    def __str__(self):
        return f"{self.innovation} v{self.number}"
