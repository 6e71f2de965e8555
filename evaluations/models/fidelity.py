"""The fidelity scale: core components become items scored per site, as in the Housing First
fidelity scale (items grouped in domains, total as a share of the maximum)."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from programmes.models import AdopterSite, ScalingProject, StrategyComponent

from .base import USER, SiteScopedQuerySet


class FidelityScale(models.Model):
    """A project's fidelity scale: its items, their levels, when an item needs support."""

    project = models.OneToOneField(ScalingProject, models.CASCADE, related_name="fidelity_scale",
                                   verbose_name=_("scaling project"))
    title = models.CharField(_("title"), max_length=200)
    max_level = models.PositiveSmallIntegerField(
        _("number of levels"), choices=[(4, "1–4"), (5, "1–5")], default=4)
    alert_threshold = models.PositiveSmallIntegerField(
        _("alert threshold"), default=2,
        help_text=_("Items scored at or below this level are flagged for support."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fidelity scale")
        verbose_name_plural = _("fidelity scales")
        ordering = ["project"]
        constraints = [
            models.CheckConstraint(condition=Q(max_level__in=[4, 5]),
                                   name="fidelity_scale_max_level"),
            models.CheckConstraint(
                condition=Q(alert_threshold__gte=1, alert_threshold__lt=F("max_level")),
                name="fidelity_scale_threshold_range",
                violation_error_message=_("The alert threshold must be a level below the "
                                          "highest one."),
            ),
        ]

    def __str__(self):
        return self.title


class FidelityDomain(models.Model):
    """A group of items: "Housing", "Separation of housing and services"..."""

    scale = models.ForeignKey(FidelityScale, models.CASCADE, related_name="domains",
                              verbose_name=_("fidelity scale"))
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"),
                                           default=0)

    class Meta:
        verbose_name = _("fidelity domain")
        verbose_name_plural = _("fidelity domains")
        ordering = ["scale", "position", "pk"]

    def __str__(self):
        return self.name


class FidelityItem(models.Model):
    """One thing a faithful site does, usually a core component of the model."""

    domain = models.ForeignKey(FidelityDomain, models.CASCADE, related_name="items",
                               verbose_name=_("domain"))
    component = models.ForeignKey(StrategyComponent, models.SET_NULL, null=True, blank=True,
                                  related_name="fidelity_items",
                                  verbose_name=_("core component"))
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"),
                                           default=0)

    class Meta:
        verbose_name = _("fidelity item")
        verbose_name_plural = _("fidelity items")
        ordering = ["domain", "position", "pk"]

    def __str__(self):
        return self.label


class FidelityLevelDescription(models.Model):
    """What a given level of an item looks like on the ground."""

    item = models.ForeignKey(FidelityItem, models.CASCADE, related_name="levels",
                             verbose_name=_("fidelity item"))
    level = models.PositiveSmallIntegerField(_("level"))
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("level description")
        verbose_name_plural = _("level descriptions")
        ordering = ["item", "level"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="fidelity_level_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5),
                                   name="fidelity_level_range"),
        ]

    def __str__(self):
        return f"{self.level}. {self.description[:60]}"


class FidelityAssessmentQuerySet(SiteScopedQuerySet):
    pass


class FidelityAssessment(models.Model):
    """A site's fidelity scored on a date, by itself, by an external rater or by a peer."""

    class Method(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        EXTERNAL = "external", _("External rater")
        PEER = "peer", _("Peer assessment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    site = models.ForeignKey(AdopterSite, models.CASCADE, related_name="fidelity_assessments",
                             verbose_name=_("site"))
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    method = models.CharField(_("method"), max_length=20, choices=Method,
                              default=Method.SELF_ASSESSMENT)
    rater = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True,
                              related_name="fidelity_assessments", verbose_name=_("rater"))
    rater_name = models.CharField(_("rater's name"), max_length=200, blank=True,
                                  help_text=_("For a rater who has no account."))
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.DRAFT)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    objects = FidelityAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("fidelity assessment")
        verbose_name_plural = _("fidelity assessments")
        ordering = ["site", "-assessed_on", "method"]
        constraints = [
            models.UniqueConstraint(fields=["site", "assessed_on", "method"],
                                    name="fidelity_assessment_unique",
                                    violation_error_message=_(
                                        "This site already has an assessment by this method "
                                        "on this date.")),
        ]

    @property
    def rater_label(self) -> str:
        """Who rated: the name typed for a rater without an account, else the account's name."""
        if self.rater_name:
            return self.rater_name
        return self.rater.get_full_name() if self.rater else ""

    def __str__(self):
        return f"{self.site} — {self.assessed_on} ({self.get_method_display()})"


class FidelityRating(models.Model):
    """The level an assessment gives one item, with the rater's comment."""

    assessment = models.ForeignKey(FidelityAssessment, models.CASCADE, related_name="ratings",
                                   verbose_name=_("fidelity assessment"))
    item = models.ForeignKey(FidelityItem, models.CASCADE, related_name="ratings",
                             verbose_name=_("fidelity item"))
    level = models.PositiveSmallIntegerField(_("level"))
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fidelity rating")
        verbose_name_plural = _("fidelity ratings")
        ordering = ["assessment", "item"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"],
                                    name="fidelity_rating_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5),
                                   name="fidelity_rating_range"),
        ]

    def __str__(self):
        return f"{self.item}: {self.level}"
