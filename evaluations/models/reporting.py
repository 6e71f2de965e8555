"""Reporting: the periods of a project, each site's return for a period, the values it holds
and the evidence attached."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.models import AdopterSite, ScalingProject

from .base import (
    USER,
    VALUE_DIGITS,
    SiteScopedQuerySet,
    null_as_zero,
    participant_projects_q,
)
from .indicators import DisaggregationCategory, Indicator


class ReportingPeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Readers of the project and the people of its sites, who report for them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(participant_projects_q(user))


class ReportingPeriod(models.Model):
    """A month, quarter or year for which sites report their indicators."""

    project = models.ForeignKey(ScalingProject, models.CASCADE,
                                related_name="reporting_periods",
                                verbose_name=_("scaling project"))
    frequency = models.CharField(_("frequency"), max_length=20, choices=Indicator.Frequency)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    due_on = models.DateField(_("due on"))
    label = models.CharField(_("label"), max_length=50)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["project", "starts_on", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["project", "frequency", "starts_on"],
                                    name="reporting_period_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="reporting_period_ends_after_start",
                                   violation_error_message=_(
                                       "A period must end after it starts.")),
            models.CheckConstraint(condition=Q(due_on__gte=F("ends_on")),
                                   name="reporting_period_due_after_end",
                                   violation_error_message=_(
                                       "A period's values cannot be due before it ends.")),
        ]
        indexes = [models.Index(fields=["project", "ends_on"], name="period_project_end")]

    def __str__(self):
        return self.label


class SiteReportQuerySet(SiteScopedQuerySet):
    pass


class SiteReport(models.Model):
    """A site's return for one period: its values move together through review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        VALIDATED = "validated", _("Validated")

    site = models.ForeignKey(AdopterSite, models.CASCADE, related_name="reports",
                             verbose_name=_("site"))
    period = models.ForeignKey(ReportingPeriod, models.CASCADE, related_name="site_reports",
                               verbose_name=_("reporting period"))
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("validated by"))
    # Set when staff validate: nothing in a locked report changes until staff reopen it.
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    objects = SiteReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("site report")
        verbose_name_plural = _("site reports")
        # By ids: following the relations' own orderings would join half the schema.
        ordering = ["period_id", "site_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "period"], name="site_report_unique"),
            models.CheckConstraint(
                condition=~Q(status="validated")
                | Q(validated_at__isnull=False, locked_at__isnull=False),
                name="site_report_validated_is_locked",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="site_report_submitted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="site_report_period_status")]

    def __str__(self):
        return f"{self.site} — {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_editable(self) -> bool:
        return not self.is_locked and self.status in (self.Status.DRAFT, self.Status.RETURNED)


class IndicatorValueQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(status=IndicatorValue.Status.VALIDATED)

    def visible_to(self, user):
        """As the report that holds them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(report__in=SiteReport.objects.visible_to(user))


class IndicatorValue(models.Model):
    """What a site reports for one indicator (and one category, or the total) in one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        VALIDATED = "validated", _("Validated")

    report = models.ForeignKey(SiteReport, models.CASCADE, related_name="values",
                               verbose_name=_("site report"))
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="values",
                                  verbose_name=_("indicator"))
    category = models.ForeignKey(DisaggregationCategory, models.CASCADE, null=True, blank=True,
                                 related_name="values", verbose_name=_("category"),
                                 help_text=_("Empty for the total."))
    value = models.DecimalField(_("value"), null=True, blank=True, **VALUE_DIGITS)
    numerator = models.DecimalField(_("numerator"), null=True, blank=True, **VALUE_DIGITS)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **VALUE_DIGITS)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.DRAFT)
    review_comment = models.TextField(_("review comment"), blank=True,
                                      help_text=_("Why the value was returned for revision."))
    updated_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["report_id", "indicator_id", "category_id"]
        constraints = [
            models.UniqueConstraint(
                "report", "indicator", null_as_zero("category"),
                name="indicator_value_unique",
                violation_error_message=_("This indicator already has a value for this "
                                          "category in this report."),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="indicator_value_denominator_positive",
                violation_error_message=_("The denominator must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="indicator_value_numerator_not_negative",
                violation_error_message=_("The numerator cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="indicator_value_numerator_within_denominator",
                violation_error_message=_("The numerator cannot exceed the denominator."),
            ),
            models.CheckConstraint(condition=Q(level__isnull=True) | Q(level__gte=1),
                                   name="indicator_value_level_from_one"),
        ]
        indexes = [
            models.Index(fields=["indicator", "status"], name="value_indicator_status"),
            models.Index(fields=["report", "indicator"], name="value_report_indicator"),
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.display_value}"

    @property
    def display_value(self):
        if self.level is not None:
            return self.level
        if self.denominator:
            return f"{self.numerator}/{self.denominator}"
        return self.value

    @property
    def is_empty(self) -> bool:
        return (self.value is None and self.level is None
                and (self.numerator is None or self.denominator is None))


class Evidence(models.Model):
    """A file that backs a site's report: attendance sheets, an export of the site's tool..."""

    report = models.ForeignKey(SiteReport, models.CASCADE, related_name="evidence",
                               verbose_name=_("site report"))
    file = models.FileField(_("file"), upload_to="evaluations/evidence/%Y/")
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["report_id", "-uploaded_at"]

    def __str__(self):
        return self.description or self.file.name
