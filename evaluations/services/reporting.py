"""Reporting: the calendar of periods, the values sites enter, and their review by staff
(draft → submitted → returned with a comment → validated and locked)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from communities.models import Notification, User
from communities.services.notifications import notify
from essaimage.uploads import validate_upload
from programmes.models import AdopterSite, ScalingProject

from ..models import (
    DisaggregationCategory,
    Evidence,
    Indicator,
    IndicatorValue,
    ReportingPeriod,
    ScaleLevel,
    SiteReport,
)
from ..numbers import NotANumber, TooLarge, parse_decimal, parse_level
from ..permissions import (
    can_enter_indicator,
    can_enter_values,
    can_manage_evaluation,
    can_validate_values,
)

Frequency = Indicator.Frequency
# When a period's values fall due, counted from its last day.
DEFAULT_DUE_AFTER_DAYS = 30
# simple_history keeps the reason of a change in a column of this size.
REASON_MAX_LENGTH = 100
MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


# --- The calendar ----------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(day: date, frequency: str) -> date:
    """The first day of the calendar month, quarter or year that holds `day`."""
    months = MONTHS_PER_PERIOD[frequency]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


# The abbreviations French typography uses ("janv.", "févr.", "juil."), which Django's own
# differ from.
MONTH_ABBREVIATIONS = [
    pgettext_lazy("month of a reporting period", "Jan."),
    pgettext_lazy("month of a reporting period", "Feb."),
    pgettext_lazy("month of a reporting period", "March"),
    pgettext_lazy("month of a reporting period", "April"),
    pgettext_lazy("month of a reporting period", "May"),
    pgettext_lazy("month of a reporting period", "June"),
    pgettext_lazy("month of a reporting period", "July"),
    pgettext_lazy("month of a reporting period", "Aug."),
    pgettext_lazy("month of a reporting period", "Sept."),
    pgettext_lazy("month of a reporting period", "Oct."),
    pgettext_lazy("month of a reporting period", "Nov."),
    pgettext_lazy("month of a reporting period", "Dec."),
]


def period_label(starts_on: date, frequency: str) -> str:
    """"janv. 2025", "T1 2025", "2025": in the platform's language, so that a label does not
    depend on the language of whoever generated the periods."""
    with translation.override(settings.LANGUAGE_CODE):
        if frequency == Frequency.MONTHLY:
            return f"{MONTH_ABBREVIATIONS[starts_on.month - 1]} {starts_on.year}"
        if frequency == Frequency.QUARTERLY:
            return _("Q%(quarter)s %(year)s") % {"quarter": (starts_on.month - 1) // 3 + 1,
                                                 "year": starts_on.year}
        return str(starts_on.year)


def project_dates(project: ScalingProject) -> tuple[date | None, date | None]:
    """When the project may have periods: from its start (or its programme's) to the end of
    its programme; either side may be open."""
    return (project.started_on or project.programme.start_date, project.programme.end_date)


@transaction.atomic
def generate_periods(project: ScalingProject, frequency: str, start: date, end: date, *,
                     user, due_after_days: int = DEFAULT_DUE_AFTER_DAYS
                     ) -> list[ReportingPeriod]:
    """Create the calendar months, quarters or years from `start` to `end` that the project
    lacks, and return all of them; running it twice creates nothing more."""
    if not can_manage_evaluation(user, project):
        raise PermissionDenied(_("Only the programme's staff set the reporting calendar."))
    if frequency not in MONTHS_PER_PERIOD:
        raise ValidationError({"frequency": ValidationError(_("Choose a frequency."),
                                                            code="invalid_frequency")})
    if end < start:
        raise ValidationError({"end": ValidationError(
            _("The last period must come after the first."), code="end_before_start")})
    months = MONTHS_PER_PERIOD[frequency]
    first = period_start(start, frequency)
    last = period_start(end, frequency)
    project_start, project_end = project_dates(project)
    first_end = _add_months(first, months) - timedelta(days=1)
    if project_start and first_end < project_start:
        raise ValidationError({"start": ValidationError(
            _("This period ends before the project starts (%(date)s).")
            % {"date": formats.date_format(project_start, "SHORT_DATE_FORMAT")},
            code="before_project")})
    if project_end and last > project_end:
        raise ValidationError({"end": ValidationError(
            _("This period starts after the programme ends (%(date)s).")
            % {"date": formats.date_format(project_end, "SHORT_DATE_FORMAT")},
            code="after_project")})

    existing = set(ReportingPeriod.objects.filter(
        project=project, frequency=frequency, starts_on__range=(first, last),
    ).values_list("starts_on", flat=True))
    new = []
    starts_on = first
    while starts_on <= last:
        ends_on = _add_months(starts_on, months) - timedelta(days=1)
        if starts_on not in existing:
            new.append(ReportingPeriod(
                project=project, frequency=frequency, starts_on=starts_on, ends_on=ends_on,
                due_on=ends_on + timedelta(days=due_after_days),
                label=period_label(starts_on, frequency)))
        starts_on = _add_months(starts_on, months)
    # ignore_conflicts: a concurrent run that created the same periods is not an error.
    ReportingPeriod.objects.bulk_create(new, ignore_conflicts=True)
    return list(ReportingPeriod.objects.filter(
        project=project, frequency=frequency, starts_on__range=(first, last)))


# --- Entering values -------------------------------------------------------------------------


def entry_key(indicator_id: int, category_id: int | None, field: str) -> str:
    """The key of an entry's field in error dictionaries: "12-total-value", "12-7-numerator".
    Forms name their inputs the same way to show each error next to its input."""
    return f"{indicator_id}-{category_id or 'total'}-{field}"


@dataclass
class Entry:
    """One line of the entry form, as typed: a value, or a numerator and a denominator, or a
    level, and a narrative."""

    indicator: Indicator
    category: DisaggregationCategory | None = None
    value: object = None
    numerator: object = None
    denominator: object = None
    level: object = None
    narrative: str = ""


def open_report(site: AdopterSite, period: ReportingPeriod, user) -> SiteReport:
    """Return the site's report for the period, starting a draft the first time."""
    if not can_enter_values(user, site):
        raise PermissionDenied(_("You do not report for this site."))
    if period.project_id != site.project_id:
        raise ValidationError({"period": ValidationError(
            _("This period belongs to another project."), code="period_outside_project")})
    report, _created = SiteReport.objects.get_or_create(site=site, period=period)
    return report


def _locked(report: SiteReport, *related) -> SiteReport:
    """The report, read again under a row lock: two clicks on "validate" make one change."""
    return (SiteReport.objects.select_for_update(of=("self",))
            .select_related("site__project__programme", *related).get(pk=report.pk))


def _check_report_is_open(report: SiteReport, user) -> None:
    if report.is_locked or report.status == SiteReport.Status.VALIDATED:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("This period is validated and locked. Ask the programme's staff to reopen it."),
            code="locked")})
    if (report.status == SiteReport.Status.SUBMITTED
            and not can_validate_values(user, report.site.project)):
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("This report is submitted and awaits review: it can be changed again if the "
              "programme's staff return it."), code="awaiting_review")})


def _number(entry: Entry, field: str, errors: dict):
    raw = getattr(entry, field)
    try:
        return parse_decimal(raw)
    except NotANumber:
        message = _("“%(value)s” is not a number.") % {"value": raw}
    except TooLarge:
        message = _("%(value)s is too large for a value.") % {"value": raw}
    errors[entry_key(entry.indicator.pk, entry.category and entry.category.pk, field)] = message
    return None


def _clean_entry(entry: Entry, report: SiteReport, user, errors: dict, scale_tops: dict,
                 ) -> dict | None:
    """The values to store for one entry, or None when it is blank; errors go in `errors`."""
    indicator, category = entry.indicator, entry.category
    category_id = category.pk if category else None

    def key(field):
        return entry_key(indicator.pk, category_id, field)

    if indicator.project_id != report.site.project_id or not indicator.is_active:
        errors[key("value")] = _("This indicator is not reported on this project.")
        return None
    if category is not None and category.disaggregation.indicator_id != indicator.pk:
        errors[key("value")] = _("This category does not break this indicator down.")
        return None
    if indicator.frequency != report.period.frequency:
        # A monthly and a quarterly value of the same months would be counted twice.
        errors[key("value")] = _("This indicator is reported at another frequency than this "
                                 "period's.")
        return None
    if not can_enter_indicator(user, report.site, indicator):
        errors[key("value")] = _("The programme's staff report this indicator.")
        return None

    cleaned = {"value": None, "numerator": None, "denominator": None, "level": None,
               "narrative": (entry.narrative or "").strip()}
    if indicator.is_qualitative:
        try:
            level = parse_level(entry.level)
        except NotANumber:
            errors[key("level")] = _("“%(value)s” is not a level of the scale.") % {
                "value": entry.level}
            return None
        top = scale_tops.get(indicator.pk, 0)
        if level is not None and not 1 <= level <= top:
            errors[key("level")] = _("Choose a level between 1 and %(top)s.") % {"top": top}
            return None
        cleaned["level"] = level
    elif indicator.is_percentage:
        if entry.value not in (None, ""):
            errors[key("value")] = _("Enter a numerator and a denominator rather than a "
                                     "percentage.")
            return None
        numerator = _number(entry, "numerator", errors)
        denominator = _number(entry, "denominator", errors)
        if key("numerator") in errors or key("denominator") in errors:
            return None
        if (numerator is None) != (denominator is None):
            missing = "denominator" if denominator is None else "numerator"
            errors[key(missing)] = _("Enter both the numerator and the denominator.")
            return None
        if denominator is not None:
            if denominator <= 0:
                errors[key("denominator")] = _("The denominator must be above zero.")
                return None
            if numerator < 0:
                errors[key("numerator")] = _("The numerator cannot be negative.")
                return None
            if numerator > denominator:
                errors[key("numerator")] = _(
                    "The numerator (%(numerator)s) cannot exceed the denominator "
                    "(%(denominator)s).") % {"numerator": entry.numerator,
                                            "denominator": entry.denominator}
                return None
        cleaned.update(numerator=numerator, denominator=denominator)
    else:
        cleaned["value"] = _number(entry, "value", errors)
        if key("value") in errors:
            return None
    if (cleaned["value"] is None and cleaned["level"] is None and cleaned["denominator"] is None
            and not cleaned["narrative"]):
        return None
    return cleaned


@transaction.atomic
def save_values(report: SiteReport, entries: list[Entry], user) -> list[IndicatorValue]:
    """Save what was typed for the report, all or nothing: any error, keyed by
    `entry_key`, and no value changes. A blank entry removes the value it replaces."""
    if not can_enter_values(user, report.site):
        raise PermissionDenied(_("You do not report for this site."))
    report = _locked(report, "period")
    _check_report_is_open(report, user)

    scale_tops = _scale_tops([entry.indicator for entry in entries])
    errors, cleaned = {}, []
    for entry in entries:
        values = _clean_entry(entry, report, user, errors, scale_tops)
        cleaned.append((entry, values))
    if errors:
        raise ValidationError(errors)

    existing = {(value.indicator_id, value.category_id): value
                for value in report.values.all()}
    saved = []
    for entry, values in cleaned:
        current = existing.get((entry.indicator.pk, entry.category and entry.category.pk))
        if values is None:
            if current is not None:
                current._history_user = user
                current.delete()
            continue
        value = current or IndicatorValue(report=report, indicator=entry.indicator,
                                          category=entry.category)
        for name, field_value in values.items():
            setattr(value, name, field_value)
        # A returned value that is corrected goes back to draft until the report is resubmitted.
        value.status = IndicatorValue.Status.DRAFT
        value.updated_by = user
        value._history_user = user
        value.save()
        saved.append(value)
    return saved


def _scale_tops(indicators) -> dict[int, int]:
    """The highest level of each qualitative indicator's scale, in one query."""
    ids = [indicator.pk for indicator in indicators if indicator.is_qualitative]
    if not ids:
        return {}
    return dict(ScaleLevel.objects.filter(indicator__in=ids).values("indicator")
                .annotate(top=Max("value")).values_list("indicator", "top"))


# --- Review ----------------------------------------------------------------------------------


def required_indicators(report: SiteReport):
    """The indicators a site must report for the period: active, reported by sites, at the
    period's frequency. Breakdowns by category are welcome but not required."""
    return Indicator.objects.filter(project_id=report.site.project_id, is_active=True,
                                    reported_by=Indicator.ReportedBy.SITE,
                                    frequency=report.period.frequency)


@transaction.atomic
def submit_report(report: SiteReport, user) -> SiteReport:
    """Send the site's values for review, once every required total is there."""
    if not can_enter_values(user, report.site):
        raise PermissionDenied(_("You do not report for this site."))
    report = _locked(report, "period")
    if report.status == SiteReport.Status.SUBMITTED:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("This report is already submitted."), code="already_submitted")})
    _check_report_is_open(report, user)

    filled = set(report.values.filter(category__isnull=True).exclude(
        value__isnull=True, level__isnull=True, denominator__isnull=True,
    ).values_list("indicator", flat=True))
    missing = [indicator for indicator in required_indicators(report)
               if indicator.pk not in filled]
    if missing:
        raise ValidationError({
            entry_key(indicator.pk, None, _entry_field(indicator)): ValidationError(
                _("Enter a value for “%(indicator)s” before submitting.")
                % {"indicator": indicator.name}, code="required")
            for indicator in missing})

    now = timezone.now()
    report.values.exclude(status=IndicatorValue.Status.VALIDATED).update(
        status=IndicatorValue.Status.SUBMITTED, updated_at=now)
    report.status = SiteReport.Status.SUBMITTED
    report.submitted_at, report.submitted_by = now, user
    report._history_user = user
    report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return report


def _entry_field(indicator: Indicator) -> str:
    if indicator.is_qualitative:
        return "level"
    return "numerator" if indicator.is_percentage else "value"


@transaction.atomic
def return_value(value: IndicatorValue, user, comment: str) -> IndicatorValue:
    """Send one value back to the site with the reason; its whole report goes back too."""
    report = _locked(value.report)
    if not can_validate_values(user, report.site.project):
        raise PermissionDenied(_("Only the programme's staff review reported values."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"review_comment": ValidationError(
            _("Say what needs to be revised."), code="comment_required")})
    if report.status == SiteReport.Status.VALIDATED:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("This period is validated and locked: reopen it before returning a value."),
            code="locked")})
    if report.status == SiteReport.Status.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("This report has not been submitted yet."), code="not_submitted")})

    value.status = IndicatorValue.Status.RETURNED
    value.review_comment = comment
    value.updated_by = user
    value._history_user = user
    value.save(update_fields=["status", "review_comment", "updated_by", "updated_at"])
    if report.status != SiteReport.Status.RETURNED:
        report.status = SiteReport.Status.RETURNED
        report._history_user = user
        report.save(update_fields=["status", "updated_at"])
    _notify_value_returned(report, value, user, comment)
    return value


def _notify_value_returned(report: SiteReport, value: IndicatorValue, user, comment: str):
    """Tell the people of the site's structure, who report for it, what to correct."""
    entry = reverse("evaluations:report_entry", args=[report.site_id, report.period_id])
    notify(User.objects.filter(memberships__structure=report.site.structure_id),
           Notification.Kind.VALUE_RETURNED,
           title=gettext_noop("Value returned for revision: %(indicator)s (%(period)s)"),
           params={"indicator": value.indicator.name, "period": report.period.label},
           url=f"{entry}#row-{value.pk}", body=comment, actor=user)


@transaction.atomic
def validate_report(report: SiteReport, user) -> SiteReport:
    """Validate every value of a submitted report and lock it: its figures now count."""
    report = _locked(report)
    if not can_validate_values(user, report.site.project):
        raise PermissionDenied(_("Only the programme's staff validate reported values."))
    if report.status == SiteReport.Status.VALIDATED:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("This report is already validated."), code="already_validated")})
    if report.status != SiteReport.Status.SUBMITTED:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("Only a submitted report can be validated: this one awaits the site."),
            code="not_submitted")})

    now = timezone.now()
    report.values.update(status=IndicatorValue.Status.VALIDATED, updated_at=now)
    report.status = SiteReport.Status.VALIDATED
    report.validated_at, report.validated_by, report.locked_at = now, user, now
    report._history_user = user
    report.save(update_fields=["status", "validated_at", "validated_by", "locked_at",
                               "updated_at"])
    return report


@transaction.atomic
def reopen_report(report: SiteReport, user, reason: str) -> SiteReport:
    """Unlock a validated report so the site can correct it; its values stop counting until
    it is validated again."""
    report = _locked(report)
    if not can_validate_values(user, report.site.project):
        raise PermissionDenied(_("Only the programme's staff reopen a validated period."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(
            _("Say why the period is reopened."), code="reason_required")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": ValidationError(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            code="reason_too_long")})
    if report.status != SiteReport.Status.VALIDATED:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(
            _("Only a validated report can be reopened."), code="not_validated")})

    report.values.update(status=IndicatorValue.Status.SUBMITTED, updated_at=timezone.now())
    report.status = SiteReport.Status.RETURNED
    report.validated_at = report.validated_by = report.locked_at = None
    report._history_user = user
    report._change_reason = reason
    report.save(update_fields=["status", "validated_at", "validated_by", "locked_at",
                               "updated_at"])
    return report


# --- Evidence --------------------------------------------------------------------------------

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def add_evidence(report: SiteReport, *, user, file, description: str = "") -> Evidence:
    """Attach a file that backs the report's values, while the report may still change."""
    if not can_enter_values(user, report.site):
        raise PermissionDenied(_("You do not report for this site."))
    report = _locked(report, "period")
    _check_report_is_open(report, user)
    try:
        validate_upload(file, max_bytes=EVIDENCE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None
    evidence = Evidence(report=report, file=file, uploaded_by=user,
                        description=(description or "").strip()[:300])
    evidence.save()
    return evidence


@transaction.atomic
def delete_evidence(evidence: Evidence, *, user) -> None:
    """Remove a file from an open report, and from the storage once the row is gone."""
    report = _locked(evidence.report, "period")
    if not can_enter_values(user, report.site):
        raise PermissionDenied(_("You do not report for this site."))
    _check_report_is_open(report, user)
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
