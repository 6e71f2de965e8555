"""The evaluation plan of a scaling project, in three phases, with findings and reports."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communities.models import Structure
from programmes.models import ScalingProject

from .base import USER, readable_projects


class EvaluationPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The plan is the project's management: its readers see it, adopters do not."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(project__in=readable_projects(user))


class EvaluationPlan(models.Model):
    """How a scaling project will be evaluated: one plan, up to three phases."""

    project = models.OneToOneField(ScalingProject, models.CASCADE,
                                   related_name="evaluation_plan",
                                   verbose_name=_("scaling project"))
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    objects = EvaluationPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation plan")
        verbose_name_plural = _("evaluation plans")
        ordering = ["project"]

    def __str__(self):
        return str(_("Evaluation plan of %(project)s") % {"project": self.project})


class EvaluationPhase(models.Model):
    """One of the three phases of seed 002; projects may run several at once."""

    class Number(models.IntegerChoices):
        PROCESS = 1, _("Implementation and appropriation")
        RESULTS = 2, _("Results for beneficiaries")
        IMPACT = 3, _("Impact and conditions for generalisation")

    class Method(models.TextChoices):
        # In context: French agrees the adjective with "méthode", not with "indicateur".
        QUALITATIVE = "qualitative", pgettext_lazy("evaluation method", "Qualitative")
        QUANTITATIVE = "quantitative", pgettext_lazy("evaluation method", "Quantitative")
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        PEER_ASSESSMENT = "peer_assessment", _("Peer assessment")
        EXTERNAL_EVALUATOR = "external_evaluator", _("External evaluator")
        COMPARISON_GROUP = "comparison_group", _("Comparison group (difference in differences)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(EvaluationPlan, models.CASCADE, related_name="phases",
                             verbose_name=_("evaluation plan"))
    number = models.PositiveSmallIntegerField(_("phase"), choices=Number)
    questions = models.TextField(_("evaluation questions"), blank=True)
    # A list of Method codes: a phase usually mixes methods, and a list needs no join table.
    methods = models.JSONField(_("methods"), default=list, blank=True)
    evaluator = models.CharField(_("who evaluates"), max_length=200, blank=True)
    evaluator_structure = models.ForeignKey(Structure, models.SET_NULL, null=True, blank=True,
                                            related_name="evaluation_phases",
                                            verbose_name=_("evaluating structure"))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.PLANNED)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation phase")
        verbose_name_plural = _("evaluation phases")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="evaluation_phase_unique"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=3),
                                   name="evaluation_phase_number_range"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="evaluation_phase_ends_after_start",
                violation_error_message=_("A phase must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.plan.project} — {self.get_number_display()}"

    def get_methods_display(self) -> list[str]:
        labels = dict(self.Method.choices)
        return [str(labels.get(code, code)) for code in self.methods]


class PhaseReport(models.Model):
    """A report attached to a phase: an interim note, the external evaluator's report..."""

    phase = models.ForeignKey(EvaluationPhase, models.CASCADE, related_name="reports",
                              verbose_name=_("evaluation phase"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="evaluations/reports/%Y/")
    uploaded_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        ordering = ["phase", "-uploaded_at"]

    def __str__(self):
        return self.title
