"""Scaling projects and their way through the stages of the roadmap, gate by gate."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communities.models import Membership
from innovations.models import Innovation

from .base import Programme

Stage = Innovation.Stage
STAGE_ORDER = list(Stage.values)


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class ScalingProjectQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False, programme__is_archived=False)

    def staffed_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(
            programme__in=Programme.staff.through.objects.filter(user=user).values("programme")
        )

    def visible_to(self, user, *, through_committees=True):
        """Staff of the programme, its lead structure and funders, the innovator, the funders
        of the project's pool, its committee members and its sponsors; adopters see their
        sites, not the project's management. Without `through_committees`, a seat on one of
        the project's bodies does not count (it opens that body only)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        from .adopters import Sponsor
        from .funding import FundingOption
        from .governance import BodyMember

        member_of = Membership.objects.filter(user=user).values("structure")
        staffed = Programme.staff.through.objects.filter(user=user).values("programme")
        programme_funded = Programme.funders.through.objects.filter(
            structure__in=member_of).values("programme")
        pool_funded = FundingOption.objects.filter(funder__in=member_of).values("pool__project")
        on_committee = BodyMember.objects.filter(user=user).values("body__project")
        sponsoring = Sponsor.objects.filter(
            Q(user=user) | Q(structure__in=member_of)).values("project")
        readers = (
            Q(programme__in=staffed)
            | Q(programme__in=programme_funded)
            | Q(programme__lead_structure__in=member_of)
            | Q(innovation__owner__in=member_of)
            | Q(pk__in=pool_funded)
            | Q(pk__in=sponsoring)
        )
        if through_committees:
            readers |= Q(pk__in=on_committee)
        return self.active().filter(readers)


class ScalingProject(models.Model):
    """One innovation taken to new adopter sites, within a programme."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        ON_HOLD = "on_hold", _("On hold")
        STOPPED = "stopped", _("Stopped")
        COMPLETED = "completed", _("Completed")

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="projects",
                                  verbose_name=_("programme"))
    innovation = models.ForeignKey(Innovation, models.PROTECT, related_name="scaling_projects",
                                   verbose_name=_("innovation"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage,
                             default=Stage.IDENTIFICATION)
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.IN_PROGRESS)
    staff_lead = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="led_projects",
                                   verbose_name=_("staff lead"))
    started_on = models.DateField(_("start"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    objects = ScalingProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("scaling project")
        verbose_name_plural = _("scaling projects")
        ordering = ["programme", "title", "pk"]
        indexes = [models.Index(fields=["programme", "stage"], name="project_programme_stage")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:project_detail", args=[self.pk])

    @property
    def stage_number(self) -> int:
        return stage_index(self.stage)


class StagePlan(models.Model):
    """When a stage is planned and when it actually ran: the bars of the roadmap."""

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="stage_plans")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage plan")
        verbose_name_plural = _("stage plans")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="stage_plan_unique"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="stage_plan_ends_after_start",
                violation_error_message=_("A stage must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.get_stage_display()}"


class StageEvent(models.Model):
    """A gate decision (go, hold, stop) or the reopening of a stage, kept for good."""

    class Kind(models.TextChoices):
        GO = "go", pgettext_lazy("stage decision", "Go")
        HOLD = "hold", pgettext_lazy("stage decision", "Hold")
        STOP = "stop", pgettext_lazy("stage decision", "Stop")
        REOPEN = "reopen", pgettext_lazy("stage decision", "Reopened")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="stage_events")
    kind = models.CharField(_("decision"), max_length=10, choices=Kind)
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage)
    reason = models.TextField(_("reason"))
    checklist = models.JSONField(_("checklist at the time"), default=list, blank=True)
    meeting = models.ForeignKey("programmes.Meeting", models.SET_NULL, null=True, blank=True,
                                related_name="stage_events",
                                verbose_name=_("decided at the meeting"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    decided_on = models.DateField(_("date"), default=timezone.localdate)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("stage decision")
        verbose_name_plural = _("stage decisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.project}: {self.get_kind_display()} ({self.get_from_stage_display()})"
