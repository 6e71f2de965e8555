"""Community events: rencontres, webinars, visits between sites; open to one or several
spaces, with capacity and a waiting list, attendance and a short report afterwards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .spaces import MESSAGE_MAX_LENGTH, Space


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Events open to a space the person takes part in, and those they organise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        spaces = Space.objects.visible_to(user).values("pk")
        return self.filter(Q(spaces__in=spaces) | Q(organiser=user)).distinct()


class Event(models.Model):
    class Kind(models.TextChoices):
        MEETUP = "meetup", _("Meet-up")
        WEBINAR = "webinar", _("Webinar")
        VISIT = "visit", _("Visit between sites")
        WORKSHOP = "workshop", _("Workshop")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MEETUP)
    description = models.TextField(_("description"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    agenda = models.TextField(_("agenda"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("link to join"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("Leave empty for no limit."))
    spaces = models.ManyToManyField(Space, related_name="events",
                                    verbose_name=_("open to the spaces"))
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                  related_name="organised_events", verbose_name=_("organiser"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancellation_reason = models.CharField(_("reason for cancelling"), max_length=300,
                                           blank=True)
    report = models.TextField(_("report"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[spaces])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="event_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="event_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communities:event_detail", args=[self.pk])


class EventRegistration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, models.CASCADE, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                               related_name="event_registrations", verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.REGISTERED)
    registered_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="event_registration_once"),
        ]

    def __str__(self):
        return f"{self.person} — {self.event}"
