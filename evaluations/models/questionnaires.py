"""Self-assessment and peer-assessment questionnaires sent to sites or people (seed 004,
proposals 5 and 6), and the answers collected."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Membership
from programmes.models import AdopterSite, ScalingProject

from .base import USER, null_as_zero, readable_projects


class QuestionnaireQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Readers of the project see them all; others those sent to them or to their sites."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(Q(project__in=readable_projects(user))
                           | Q(pk__in=QuestionnaireAssignment.objects.visible_to(user)
                               .values("questionnaire")))


class Questionnaire(models.Model):
    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        PEER_ASSESSMENT = "peer_assessment", _("Peer assessment")
        SATISFACTION = "satisfaction", _("Satisfaction")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="questionnaires",
                                verbose_name=_("scaling project"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind,
                            default=Kind.SELF_ASSESSMENT)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["project", "-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="questionnaire_closes_after_opening",
                violation_error_message=_("A questionnaire must close after it opens."),
            ),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale")
        SINGLE_CHOICE = "single_choice", _("One choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
        TEXT = "text", _("Text")

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="questions",
                                      verbose_name=_("questionnaire"))
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"),
                                           default=0)
    label = models.CharField(_("question"), max_length=500)
    help_text = models.TextField(_("help text"), blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind, default=Kind.SCALE)
    scale_min = models.SmallIntegerField(_("lowest point of the scale"), default=1)
    scale_max = models.SmallIntegerField(_("highest point of the scale"), default=5)
    scale_min_label = models.CharField(_("label of the lowest point"), max_length=100,
                                       blank=True)
    scale_max_label = models.CharField(_("label of the highest point"), max_length=100,
                                       blank=True)
    # The wording of each choice, in order; answers keep the wording they chose.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")),
                                   name="question_scale_range",
                                   violation_error_message=_(
                                       "The highest point must be above the lowest.")),
        ]

    def __str__(self):
        return self.label


class QuestionnaireAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The person it is sent to, the people of the site it is sent to, the project's
        readers."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member_of = Membership.objects.filter(user=user).values("structure")
        return self.filter(
            Q(person=user)
            | Q(site__in=AdopterSite.objects.filter(structure__in=member_of))
            | Q(questionnaire__project__in=readable_projects(user))
        )


class QuestionnaireAssignment(models.Model):
    """A questionnaire sent to a site or a person; for a peer assessment, about another site."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUBMITTED = "submitted", _("Submitted")

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="assignments",
                                      verbose_name=_("questionnaire"))
    site = models.ForeignKey(AdopterSite, models.CASCADE, null=True, blank=True,
                             related_name="questionnaire_assignments",
                             verbose_name=_("site answering"))
    person = models.ForeignKey(USER, models.CASCADE, null=True, blank=True,
                               related_name="questionnaire_assignments",
                               verbose_name=_("person answering"))
    peer_site = models.ForeignKey(AdopterSite, models.CASCADE, null=True, blank=True,
                                  related_name="peer_assessments",
                                  verbose_name=_("site assessed"),
                                  help_text=_("For a peer assessment: the site being assessed."))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = QuestionnaireAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire sent")
        verbose_name_plural = _("questionnaires sent")
        ordering = ["questionnaire", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(site__isnull=False) | Q(person__isnull=False),
                                   name="assignment_has_respondent",
                                   violation_error_message=_(
                                       "Send the questionnaire to a site or a person.")),
            models.CheckConstraint(
                condition=Q(peer_site__isnull=True) | Q(site__isnull=True)
                | ~Q(peer_site=F("site")),
                name="assignment_peer_is_another_site",
                violation_error_message=_("A site does not assess itself as a peer."),
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="assignment_submitted_has_date",
            ),
            models.UniqueConstraint(
                "questionnaire", null_as_zero("site"), null_as_zero("person"),
                null_as_zero("peer_site"),
                name="assignment_unique",
                violation_error_message=_("This questionnaire was already sent there."),
            ),
        ]

    def __str__(self):
        respondent = self.site or self.person
        if self.peer_site_id:
            return f"{self.questionnaire}: {respondent} → {self.peer_site}"
        return f"{self.questionnaire}: {respondent}"


class Answer(models.Model):
    assignment = models.ForeignKey(QuestionnaireAssignment, models.CASCADE,
                                   related_name="answers", verbose_name=_("questionnaire sent"))
    question = models.ForeignKey(Question, models.CASCADE, related_name="answers",
                                 verbose_name=_("question"))
    number = models.SmallIntegerField(_("point on the scale"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["assignment", "question"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "question"],
                                    name="questionnaire_answer_unique"),
        ]

    def __str__(self):
        answer = self.number if self.number is not None else self.text[:40]
        return f"{self.question}: {answer}"
