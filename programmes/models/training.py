"""Stage III: the training plan, its sessions and registrations, and the adopters' toolkit."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from innovations.models import Resource

from .adopters import AdopterSite
from .feasibility import StrategyComponent
from .pipeline import ScalingProject


class TrainingModule(models.Model):
    """A module of the training plan, mapped to the core components it teaches."""

    class Pedagogy(models.TextChoices):
        ACTION_TRAINING = "action_training", _("Action training (formation-action)")
        PEER_LEARNING = "peer_learning", _("Peer learning")
        WORKSHOP = "workshop", _("Workshop")
        SITE_VISIT = "site_visit", _("Visit of a running site")
        E_LEARNING = "e_learning", _("E-learning")
        COACHING = "coaching", _("Individual coaching")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="training_modules")
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("learning objectives"))
    pedagogy = models.CharField(_("pedagogy"), max_length=20, choices=Pedagogy,
                                default=Pedagogy.ACTION_TRAINING)
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=1,
                                         null=True, blank=True,
                                         validators=[MinValueValidator(0)])
    components = models.ManyToManyField(StrategyComponent, blank=True,
                                        related_name="training_modules",
                                        verbose_name=_("core components taught"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(m2m_fields=[components])

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training plan")
        ordering = ["project", "order", "pk"]

    def __str__(self):
        return self.title


class TrainingSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Readers of the project, and the people of its sites, who register to sessions."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(module__project__in=ScalingProject.objects.visible_to(user))
            | Q(module__project__in=AdopterSite.objects.visible_to(user).values("project"))
        )


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("event status", "Planned")
        HELD = "held", pgettext_lazy("event status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    module = models.ForeignKey(TrainingModule, models.PROTECT, related_name="sessions",
                               verbose_name=_("module"))
    starts_at = models.DateTimeField(_("starts at"))
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=1,
                                         validators=[MinValueValidator(0.5)])
    place = models.CharField(_("place"), max_length=300, blank=True)
    is_remote = models.BooleanField(_("remote"), default=False)
    video_link = models.URLField(_("video link"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)

    history = HistoricalRecords()

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.module} — {timezone.localtime(self.starts_at):%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("programmes:session_detail", args=[self.pk])


class Registration(models.Model):
    """A person of an adopter site registered to a session, or waiting for a seat."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING_LIST = "waiting_list", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(TrainingSession, models.CASCADE, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                               related_name="training_registrations", verbose_name=_("person"))
    site = models.ForeignKey(AdopterSite, models.CASCADE, related_name="registrations",
                             verbose_name=_("site"))
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.REGISTERED)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    satisfaction_comment = models.TextField(_("comment on the session"), blank=True,
                                            max_length=5000)
    registered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["session", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="registration_unique"),
        ]

    def __str__(self):
        return f"{self.person} → {self.session}"


class ToolkitItem(models.Model):
    """A resource of the bank handed to the adopters, at a given version."""

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="toolkit")
    resource = models.ForeignKey(Resource, models.PROTECT, related_name="toolkit_items",
                                 verbose_name=_("resource"))
    version = models.CharField(_("version handed over"), max_length=20)
    is_required = models.BooleanField(_("every site must acknowledge it"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("toolkit item")
        verbose_name_plural = _("toolkit")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "resource"], name="toolkit_item_unique"),
        ]

    def __str__(self):
        return f"{self.resource} v{self.version}"


class ToolkitAcknowledgement(models.Model):
    """A site saying it received one version of a toolkit item."""

    item = models.ForeignKey(ToolkitItem, models.CASCADE, related_name="acknowledgements")
    site = models.ForeignKey(AdopterSite, models.CASCADE, related_name="acknowledgements")
    version = models.CharField(_("version"), max_length=20)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("toolkit acknowledgement")
        verbose_name_plural = _("toolkit acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["item", "site", "version"],
                                    name="acknowledgement_unique"),
        ]

    def __str__(self):
        return f"{self.site}: {self.item}"
