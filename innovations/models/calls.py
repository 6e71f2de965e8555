"""Calls for projects and for expressions of interest, applications, and peer review."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Membership, Structure, Territory

from .records import Innovation, Theme


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, is_archived=False)

    def open_now(self):
        now = timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def managed_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(managers=user)

    def visible_to(self, user):
        """Published calls for every signed-in person; drafts for their managers."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(published_at__isnull=False, is_archived=False)
            | Q(pk__in=Call.managers.through.objects.filter(user=user).values("call"))
        )


class Call(models.Model):
    """An "appel à projets" or an "appel à manifestation d'intérêt" (AMI)."""

    class Kind(models.TextChoices):
        PROJECTS = "projects", _("Call for projects")
        EXPRESSIONS_OF_INTEREST = "interest", _("Call for expressions of interest")

    class ScalingPlan(models.TextChoices):
        NOT_ASKED = "not_asked", _("Not asked")
        REWARDED = "rewarded", _("Rewarded")
        REQUIRED = "required", _("Required")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PROJECTS)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    organiser = models.ForeignKey(Structure, models.PROTECT, related_name="organised_calls",
                                  verbose_name=_("organiser"))
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_calls",
                                      verbose_name=_("staff in charge"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="calls",
                                    verbose_name=_("themes"))
    eligible_kinds = models.JSONField(
        _("eligible kinds of structure"), default=list, blank=True,
        help_text=_("Empty: every kind of structure may apply."),
    )
    eligible_territories = models.ManyToManyField(
        Territory, blank=True, related_name="calls", verbose_name=_("eligible territories"),
        help_text=_("Empty: the whole of France."),
    )
    opens_at = models.DateTimeField(_("opens on"))
    closes_at = models.DateTimeField(_("closes on"))
    # Reviewers with reviews still to finish get a reminder a few days before.
    reviews_due_at = models.DateTimeField(_("reviews due by"), null=True, blank=True)
    scaling_plan = models.CharField(
        _("scaling-up plan"), max_length=20, choices=ScalingPlan, default=ScalingPlan.REWARDED,
        help_text=_("Whether applicants must, or may with credit, describe how their innovation "
                    "would spread (proposal 9)."),
    )
    offered_innovations = models.ManyToManyField(
        Innovation, blank=True, related_name="offered_in_calls",
        verbose_name=_("innovations offered for adoption"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[managers])

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-closes_at", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="call_closes_after_opening",
                                   violation_error_message=_(
                                       "The call must close after it opens.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("innovations:call_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.is_published and not self.is_archived and self.opens_at <= now < self.closes_at

    @property
    def has_closed(self) -> bool:
        return timezone.now() >= self.closes_at

    @property
    def is_for_expressions_of_interest(self) -> bool:
        return self.kind == self.Kind.EXPRESSIONS_OF_INTEREST


class Question(models.Model):
    """A question of a call's application form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        FILE = "file", _("File")

    call = models.ForeignKey(Call, models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help"), max_length=500, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True,
                               help_text=_("For a choice question: the options, one per line."))
    is_required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class Criterion(models.Model):
    """A criterion of a call's rubric, with its weight and maximum score."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what reviewers look at"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2,
                                 default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=5,
                                                 validators=[MinValueValidator(1),
                                                             MaxValueValidator(100)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="criterion_max_positive"),
        ]

    def __str__(self):
        return self.name


class College(models.Model):
    """A review college, e.g. the innovators and the potential users of seed 004."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="colleges")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("review college")
        verbose_name_plural = _("review colleges")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="college_unique_name"),
        ]

    def __str__(self):
        return self.name


class ApplicationQuerySet(models.QuerySet):
    def submitted(self):
        return self.exclude(status=Application.Status.DRAFT)

    def visible_to(self, user):
        """Applicants see their structure's; call staff their calls'; reviewers their
        assignments, unless they declared a conflict of interest."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member_of = Membership.objects.filter(user=user).values("structure")
        managed = Call.managers.through.objects.filter(user=user).values("call")
        reviewing = ReviewAssignment.objects.filter(reviewer=user).exclude(
            status=ReviewAssignment.Status.CONFLICT
        ).values("application")
        return self.filter(
            Q(structure__in=member_of)
            | Q(call__in=managed, status__in=Application.SUBMITTED_STATUSES)
            | Q(pk__in=reviewing)
        )


class Application(models.Model):
    """A structure's answer to a call."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ELIGIBLE = "eligible", _("Eligible, under review")
        INELIGIBLE = "ineligible", _("Not eligible")
        SELECTED = "selected", _("Selected")
        WAITING_LIST = "waiting_list", _("On the waiting list")
        REJECTED = "rejected", _("Not selected")

    SUBMITTED_STATUSES = [s for s in Status.values if s != "draft"]
    DECISIONS = [Status.SELECTED, Status.WAITING_LIST, Status.REJECTED]

    call = models.ForeignKey(Call, models.PROTECT, related_name="applications",
                             verbose_name=_("call"))
    structure = models.ForeignKey(Structure, models.PROTECT, related_name="applications",
                                  verbose_name=_("applicant structure"))
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    scaling_plan = models.TextField(_("scaling-up plan"), blank=True,
                                    help_text=_("How the innovation could spread to other "
                                                "territories, and who would carry it."))
    territory = models.ForeignKey(Territory, models.PROTECT, null=True, blank=True,
                                  related_name="applications",
                                  verbose_name=_("territory of the project"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    eligibility_note = models.TextField(_("eligibility note"), blank=True)
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    innovation = models.ForeignKey(Innovation, models.SET_NULL, null=True, blank=True,
                                   related_name="applications",
                                   verbose_name=_("innovation record"))

    history = HistoricalRecords()

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            # One application per structure and call: drafts are resumed, not duplicated.
            models.UniqueConstraint(fields=["call", "structure"],
                                    name="application_one_per_structure"),
        ]
        indexes = [models.Index(fields=["call", "status"], name="application_call_status")]

    def __str__(self):
        return f"{self.title} ({self.structure})"

    def get_absolute_url(self):
        return reverse("innovations:application_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECISIONS


def answer_upload_path(answer, filename):
    return f"private/applications/{answer.application.call_id}/{answer.application_id}/{filename}"


class Answer(models.Model):
    """The answer to one question of the form; files are kept out of public media."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.CASCADE, related_name="answers")
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(_("number"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    file = models.FileField(_("file"), upload_to=answer_upload_path, blank=True, max_length=300)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="answer_unique"),
        ]

    def __str__(self):
        return f"{self.question}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.question.kind == Question.Kind.FILE:
            return self.file.name.rsplit("/", 1)[-1] if self.file else ""
        if self.question.kind == Question.Kind.NUMBER:
            return "" if self.number is None else str(self.number)
        return self.text

    @property
    def is_empty(self) -> bool:
        return not self.display_value


class AdoptionChoice(models.Model):
    """In an answer to a call for expressions of interest: an innovation the structure wants
    to adopt on its territory, with its motivation and capacity."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="adoption_choices")
    innovation = models.ForeignKey(Innovation, models.PROTECT, related_name="adoption_choices",
                                   verbose_name=_("innovation"))
    motivation = models.TextField(_("motivation"))
    capacity = models.TextField(_("capacity"),
                                help_text=_("People, premises, partners and budget you can "
                                            "devote to it."))

    class Meta:
        verbose_name = _("innovation chosen for adoption")
        verbose_name_plural = _("innovations chosen for adoption")
        constraints = [
            models.UniqueConstraint(fields=["application", "innovation"],
                                    name="adoption_choice_unique"),
        ]

    def __str__(self):
        return f"{self.application.structure} → {self.innovation}"


class ReviewAssignmentQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=ReviewAssignment.Status.SUBMITTED)

    def visible_to(self, user):
        """Reviewers see their own reviews; the call's staff see all of its reviews."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        managed = Call.managers.through.objects.filter(user=user).values("call")
        return self.filter(Q(reviewer=user) | Q(application__call__in=managed))


class ReviewAssignment(models.Model):
    """A reviewer asked to score one application, as a member of one college."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        CONFLICT = "conflict", _("Conflict of interest declared")

    application = models.ForeignKey(Application, models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                 related_name="review_assignments", verbose_name=_("reviewer"))
    college = models.ForeignKey(College, models.PROTECT, related_name="assignments",
                                verbose_name=_("college"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    comment = models.TextField(_("overall comment"), blank=True)
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    # Set once, when the review is submitted: scores are locked from then on.
    weighted_score = models.DecimalField(_("weighted score (out of 100)"), max_digits=5,
                                         decimal_places=2, null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    history = HistoricalRecords()

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "college", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"],
                                    name="review_one_per_reviewer"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="review_reviewer_status")]

    def __str__(self):
        return f"{self.reviewer} → {self.application}"

    def get_absolute_url(self):
        return reverse("innovations:review_form", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.CONFLICT)


class Score(models.Model):
    """A reviewer's score on one criterion, with their comment."""

    assignment = models.ForeignKey(ReviewAssignment, models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
