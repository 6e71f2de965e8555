"""Stage II: stakeholders, governance bodies, their meetings, decisions and action items."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communities.models import Structure

from .pipeline import ScalingProject


class Stakeholder(models.Model):
    """An organisation or a person on the project's stakeholder map."""

    class Category(models.TextChoices):
        STATE = "state", _("State")
        LOCAL_AUTHORITIES = "local_authorities", _("Local authorities")
        SOCIAL_ECONOMY = "social_economy", _("Social and solidarity economy")
        SOCIAL_PARTNERS = "social_partners", _("Social partners")
        PRIVATE_PARTNERS = "private_partners", _("Private partners")
        EMPLOYMENT_SERVICE = "employment_service", _("Public employment service")
        INSERTION = "insertion", _("Insertion actors")
        FUNDERS = "funders", _("Funders")
        BENEFICIARIES = "beneficiaries", _("Beneficiaries and their representatives")
        OTHER = "other", _("Other")

    class Level(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    class Engagement(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        CONTACTED = "contacted", _("Contacted")
        ENGAGED = "engaged", _("Engaged")
        COMMITTED = "committed", _("Committed")
        RELUCTANT = "reluctant", _("Reluctant")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=200)
    structure = models.ForeignKey(Structure, models.SET_NULL, null=True, blank=True,
                                  related_name="stakeholder_roles",
                                  verbose_name=_("structure in the directory"))
    contact = models.CharField(_("contact person"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category)
    role = models.CharField(_("role in the project"), max_length=300, blank=True)
    interest = models.PositiveSmallIntegerField(_("interest"), choices=Level, default=Level.MEDIUM)
    influence = models.PositiveSmallIntegerField(_("influence"), choices=Level,
                                                 default=Level.MEDIUM)
    engagement = models.CharField(_("engagement"), max_length=20, choices=Engagement,
                                  default=Engagement.IDENTIFIED)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class GovernanceBodyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A body is visible to its members and to whoever may see its project for another
        reason than a seat: a member of the steering committee does not read the papers of
        the technical committee."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(project__in=ScalingProject.objects.visible_to(user, through_committees=False))
            | Q(pk__in=BodyMember.objects.filter(user=user).values("body"))
        )


def default_reminder_days() -> list[int]:
    """Members hear of a meeting a week before and the day before, unless the body says
    otherwise."""
    return [7, 1]


class GovernanceBody(models.Model):
    """A steering committee (COPIL), a technical committee..."""

    class Kind(models.TextChoices):
        STEERING = "steering", _("Steering committee")
        TECHNICAL = "technical", _("Technical committee")
        OTHER = "other", _("Other body")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.STEERING)
    name = models.CharField(_("name"), max_length=200)
    frequency = models.CharField(_("meeting frequency"), max_length=100, blank=True,
                                 help_text=_("For example: every quarter."))
    reminder_days = models.JSONField(
        _("reminders (days before)"), default=default_reminder_days, blank=True,
        help_text=_("Days before each meeting when members get a reminder, e.g. 7 and 1."))
    reminders_paused = models.BooleanField(_("reminders paused"), default=False)

    history = HistoricalRecords()

    objects = GovernanceBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("governance body")
        verbose_name_plural = _("governance bodies")
        ordering = ["project", "kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:body_detail", args=[self.pk])


class BodyMember(models.Model):
    """A seat on a governance body: a person with an account, or a name and an address."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Permanent guest")

    body = models.ForeignKey(GovernanceBody, models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="body_seats", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    structure = models.ForeignKey(Structure, models.SET_NULL, null=True, blank=True,
                                  related_name="body_seats", verbose_name=_("representing"))
    position = models.CharField(_("position"), max_length=20, choices=Position,
                                default=Position.MEMBER)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member of a body")
        verbose_name_plural = _("members of bodies")
        ordering = ["body", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], condition=Q(user__isnull=False),
                                    name="body_member_unique_person"),
        ]

    def __str__(self):
        return self.name


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Committee members read their own committee's meetings; staff, funders and the
        other readers of the project read them all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(body__in=GovernanceBody.objects.visible_to(user))


class Meeting(models.Model):
    """A meeting of a governance body, with its agenda, attendance, minutes and decisions."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("event status", "Planned")
        HELD = "held", pgettext_lazy("event status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    body = models.ForeignKey(GovernanceBody, models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True,
                              help_text=_("One item per line."))
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    # Calendar invitations keep one identity and a growing sequence across updates.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="meeting_ends_after_start",
                                   violation_error_message=_(
                                       "A meeting must end after it starts.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:meeting_detail", args=[self.pk])

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.agenda.splitlines() if line.strip()]


def meeting_document_path(document, filename):
    return f"private/meetings/{document.meeting_id}/{filename}"


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=meeting_document_path, max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendances")
    member = models.ForeignKey(BodyMember, models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=20, choices=Status)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique"),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_status_display()}"


class Decision(models.Model):
    """An entry of the decisions register (relevé de décisions)."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("Decision")
        GATE = "gate", _("Stage gate")
        ADOPTER_SELECTION = "adopter_selection", _("Selection of adopters")
        PROOF_OF_CONCEPT = "proof_of_concept", _("Proof of concept")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GENERAL)
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions register")
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self):
        return self.text[:80]


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, models.SET_NULL, null=True, blank=True,
                                related_name="action_items", verbose_name=_("decided at"))
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(BodyMember, models.SET_NULL, null=True, blank=True,
                              related_name="action_items", verbose_name=_("owner"))
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="action_items",
                                   verbose_name=_("owner (person)"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["status", "due_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
                and self.due_on is not None and self.due_on < timezone.localdate())


class AwarenessAction(models.Model):
    """An event, presentation or publication to win support for the project."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        PRESENTATION = "presentation", _("Presentation")
        PUBLICATION = "publication", _("Publication")
        VISIT = "visit", _("Site visit")
        OTHER = "other", _("Other")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="awareness_actions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.EVENT)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True,
                                               validators=[MinValueValidator(0),
                                                           MaxValueValidator(1_000_000)])
    outcome = models.TextField(_("outcome"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("awareness action")
        verbose_name_plural = _("awareness actions")
        ordering = ["-date", "pk"]

    def __str__(self):
        return self.title

