"""Indicators: the library of standard ones, each project's framework, their scales,
disaggregations and targets."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from innovations.models import EconomicLine, Theme
from programmes.models import AdopterSite, ScalingProject

from .base import VALUE_DIGITS, null_as_zero, participant_projects_q
from .plans import EvaluationPhase


class IndicatorDefinition(models.Model):
    """What an indicator measures and how its values add up: shared by the library and by
    each project's indicators, so that copying one into the other is field for field."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative")

    class Measure(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage (numerator / denominator)")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Should increase")
        DECREASE = "decrease", _("Should decrease")
        MAINTAIN = "maintain", _("Should be maintained")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    class ReportedBy(models.TextChoices):
        SITE = "site", _("The adopter site")
        STAFF = "staff", _("Programme staff")

    class PeriodAggregation(models.TextChoices):
        SUM = "sum", _("Sum of the periods (cumulative)")
        AVERAGE = "average", _("Average of the periods")
        LATEST = "latest", _("Latest period reported")

    class SiteAggregation(models.TextChoices):
        SUM = "sum", _("Sum of the sites")
        AVERAGE = "average", _("Average of the sites")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.QUANTITATIVE)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure, blank=True,
                               default=Measure.NUMBER,
                               help_text=_("Quantitative indicators only."))
    unit = models.CharField(_("unit"), max_length=50, blank=True,
                            help_text=_("For example: people, euros, days."))
    direction = models.CharField(_("direction of change"), max_length=20, choices=Direction,
                                 default=Direction.INCREASE)
    phase = models.PositiveSmallIntegerField(_("evaluation phase"),
                                             choices=EvaluationPhase.Number,
                                             default=EvaluationPhase.Number.RESULTS)
    definition = models.TextField(_("definition"), blank=True)
    data_source = models.TextField(_("data source"), blank=True)
    verification = models.TextField(_("means of verification"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency,
                                 default=Frequency.QUARTERLY)
    reported_by = models.CharField(_("reported by"), max_length=20, choices=ReportedBy,
                                   default=ReportedBy.SITE)
    period_aggregation = models.CharField(
        _("across periods"), max_length=20, choices=PeriodAggregation,
        default=PeriodAggregation.SUM,
        help_text=_("How the values of several periods add up: a sum is cumulative."))
    site_aggregation = models.CharField(_("across sites"), max_length=20,
                                        choices=SiteAggregation, default=SiteAggregation.SUM)
    counts_people_reached = models.BooleanField(
        _("counts people reached"), default=False,
        help_text=_("Its values add up to the number of people reached shown to funders."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def is_qualitative(self) -> bool:
        return self.kind == self.Kind.QUALITATIVE

    @property
    def is_percentage(self) -> bool:
        return self.measure == self.Measure.PERCENTAGE

    @classmethod
    def definition_constraints(cls, prefix: str) -> list:
        """Measure goes with kind: a number or a percentage when quantitative, nothing when
        qualitative; a percentage carries no unit of its own."""
        return [
            models.CheckConstraint(
                condition=Q(kind=cls.Kind.QUANTITATIVE,
                            measure__in=[cls.Measure.NUMBER, cls.Measure.PERCENTAGE])
                | Q(kind=cls.Kind.QUALITATIVE, measure=""),
                name=f"{prefix}_measure_matches_kind",
                violation_error_message=_("A quantitative indicator is a number or a "
                                          "percentage; a qualitative one has no measure."),
            ),
            models.CheckConstraint(
                condition=~Q(measure=cls.Measure.PERCENTAGE) | Q(unit=""),
                name=f"{prefix}_percentage_has_no_unit",
                violation_error_message=_("A percentage has no unit."),
            ),
        ]


class StandardIndicator(IndicatorDefinition):
    """An indicator of the shared library (seed 002: "recourir à des indicateurs standards"),
    copied into projects that use it."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    theme = models.ForeignKey(Theme, models.SET_NULL, null=True, blank=True,
                              related_name="standard_indicators", verbose_name=_("theme"))

    class Meta:
        verbose_name = _("standard indicator")
        verbose_name_plural = _("standard indicators")
        ordering = ["code"]
        constraints = IndicatorDefinition.definition_constraints("standard_indicator")

    def __str__(self):
        return f"{self.code} — {self.name}"


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        """Readers of the project, and the people of its sites, who report on them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(participant_projects_q(user))


class Indicator(IndicatorDefinition):
    """An indicator of a project's framework, co-built with its stakeholders."""

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="indicators",
                                verbose_name=_("scaling project"))
    standard = models.ForeignKey(StandardIndicator, models.SET_NULL, null=True, blank=True,
                                 related_name="uses", verbose_name=_("standard indicator"))
    code = models.CharField(_("code"), max_length=30)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE_DIGITS)
    cost_avoided_line = models.ForeignKey(
        EconomicLine, models.SET_NULL, null=True, blank=True, related_name="indicators",
        verbose_name=_("cost avoided per unit"),
        help_text=_("A cost avoided of the innovation's economic model: its amount times the "
                    "volume reported gives the costs avoided."))
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"),
                                           default=0)

    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="indicator_code_unique"),
            *IndicatorDefinition.definition_constraints("indicator"),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"


class ScaleLevel(models.Model):
    """A worded level of a qualitative indicator's scale, from 1 up."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="levels",
                                  verbose_name=_("indicator"))
    value = models.PositiveSmallIntegerField(_("level"))
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["indicator", "value"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "value"], name="scale_level_unique"),
            models.CheckConstraint(condition=Q(value__gte=1), name="scale_level_from_one"),
        ]

    def __str__(self):
        return f"{self.value}. {self.label}"


class StandardScaleLevel(models.Model):
    """A worded level of a standard qualitative indicator, copied with it."""

    standard = models.ForeignKey(StandardIndicator, models.CASCADE, related_name="levels",
                                 verbose_name=_("standard indicator"))
    value = models.PositiveSmallIntegerField(_("level"))
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("standard scale level")
        verbose_name_plural = _("standard scale levels")
        ordering = ["standard", "value"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "value"],
                                    name="standard_scale_level_unique"),
            models.CheckConstraint(condition=Q(value__gte=1),
                                   name="standard_scale_level_from_one"),
        ]

    def __str__(self):
        return f"{self.value}. {self.label}"


class Disaggregation(models.Model):
    """A breakdown of an indicator's values: by sex, age band, priority neighbourhood (QPV)..."""

    class Dimension(models.TextChoices):
        SEX = "sex", _("Sex")
        AGE_BAND = "age_band", _("Age band")
        PRIORITY_NEIGHBOURHOOD = "priority_neighbourhood", _("Priority neighbourhood (QPV)")
        TERRITORY = "territory", _("Territory")
        OTHER = "other", _("Other")

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="disaggregations",
                                  verbose_name=_("indicator"))
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")
        ordering = ["indicator", "dimension", "pk"]
        constraints = [
            # Several "other" breakdowns may coexist; each named dimension appears once.
            models.UniqueConstraint(fields=["indicator", "dimension"],
                                    condition=~Q(dimension="other"),
                                    name="disaggregation_dimension_unique"),
        ]

    def __str__(self):
        return self.label


class DisaggregationCategory(models.Model):
    """A category of a breakdown: "Women", "Under 26", "Living in a QPV"..."""

    disaggregation = models.ForeignKey(Disaggregation, models.CASCADE,
                                       related_name="categories",
                                       verbose_name=_("disaggregation"))
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order in a list", "position"),
                                           default=0)

    class Meta:
        verbose_name = _("disaggregation category")
        verbose_name_plural = _("disaggregation categories")
        ordering = ["disaggregation", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["disaggregation", "code"],
                                    name="disaggregation_category_unique"),
        ]

    def __str__(self):
        return self.label


class IndicatorTarget(models.Model):
    """Where an indicator should be by the end of a period: for a site or the whole project,
    in total or for one category."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="targets",
                                  verbose_name=_("indicator"))
    site = models.ForeignKey(AdopterSite, models.CASCADE, null=True, blank=True,
                             related_name="indicator_targets", verbose_name=_("site"),
                             help_text=_("Leave empty for a target of the whole project."))
    category = models.ForeignKey(DisaggregationCategory, models.CASCADE, null=True, blank=True,
                                 related_name="targets", verbose_name=_("category"),
                                 help_text=_("Leave empty for a target of the total."))
    period_end = models.DateField(_("target date"), help_text=_(
        "The target holds for the period that ends on this date."))
    value = models.DecimalField(_("target value"), null=True, blank=True, **VALUE_DIGITS)
    level = models.PositiveSmallIntegerField(_("target level"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "period_end", "site", "category"]
        constraints = [
            models.UniqueConstraint(
                "indicator", null_as_zero("site"), null_as_zero("category"), "period_end",
                name="indicator_target_unique",
                violation_error_message=_("There is already a target for this indicator, "
                                          "site, category and date."),
            ),
            models.CheckConstraint(condition=Q(value__isnull=False) | Q(level__isnull=False),
                                   name="indicator_target_has_value",
                                   violation_error_message=_("Give a target value or level.")),
            models.CheckConstraint(condition=Q(level__isnull=True) | Q(level__gte=1),
                                   name="indicator_target_level_from_one"),
        ]

    def __str__(self):
        target = self.value if self.value is not None else self.level
        return f"{self.indicator.code} → {target} ({self.period_end})"
