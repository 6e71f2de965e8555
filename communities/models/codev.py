"""Co-development sessions: peers help one member solve a problem they bring (seed 003).

The session follows the usual steps of the method: the case-holder states the problem,
consultants ask clarifying questions, the case-holder says what they expect, consultants
give their reactions and advice, the case-holder draws an action plan, everyone says what
they learnt.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .spaces import MESSAGE_MAX_LENGTH, Space


class CodevSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions of the spaces the person takes part in."""
        return self.filter(space__in=Space.objects.visible_to(user).values("pk"))


class CodevSession(models.Model):
    class Step(models.IntegerChoices):
        PROBLEM = 1, _("Statement of the problem")
        CLARIFICATION = 2, _("Clarifying questions")
        CONTRACT = 3, _("Consultation contract")
        ADVICE = 4, _("Reactions and advice")
        ACTION_PLAN = 5, _("Synthesis and action plan")
        LESSONS = 6, _("Lessons learnt")
        CLOSED = 7, _("Closed")

    space = models.ForeignKey(Space, models.CASCADE, related_name="codev_sessions")
    title = models.CharField(_("title"), max_length=200)
    case_holder = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                    related_name="codev_cases", verbose_name=_("case-holder"))
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                    related_name="codev_facilitated",
                                    verbose_name=_("facilitator"))
    consultants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                         related_name="codev_consulted",
                                         verbose_name=_("consultants"))
    scheduled_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    place = models.CharField(_("place or link"), max_length=300, blank=True)
    step = models.PositiveSmallIntegerField(_("step"), choices=Step, default=Step.PROBLEM)
    problem_statement = models.TextField(_("problem statement"), blank=True,
                                         max_length=MESSAGE_MAX_LENGTH)
    expectation = models.TextField(_("what the case-holder expects"), blank=True,
                                   max_length=MESSAGE_MAX_LENGTH)
    action_plan = models.TextField(_("action plan"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    lessons = models.TextField(_("lessons learnt"), blank=True, max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CodevSessionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[consultants])

    class Meta:
        verbose_name = _("co-development session")
        verbose_name_plural = _("co-development sessions")
        ordering = ["-scheduled_at", "-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communities:codev_detail", args=[self.pk])


class CodevContribution(models.Model):
    """What a consultant brings: a clarifying question or a piece of advice."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Clarifying question")
        ADVICE = "advice", _("Advice")

    session = models.ForeignKey(CodevSession, models.CASCADE, related_name="contributions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("text"), max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("co-development contribution")
        verbose_name_plural = _("co-development contributions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.author}"
