"""Setting up a project's indicators: from scratch or from the library, with their scales and
their targets."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from innovations.models import EconomicLine
from programmes.models import AdopterSite, ScalingProject

from ..models import (
    Disaggregation,
    DisaggregationCategory,
    Indicator,
    IndicatorTarget,
    ScaleLevel,
    StandardIndicator,
)
from ..models.indicators import IndicatorDefinition
from ..numbers import NotANumber, TooLarge, parse_decimal, parse_level
from ..permissions import can_manage_evaluation

# The fields an indicator shares with the library: copied as they are from a standard one.
DEFINITION_FIELDS = [field.name for field in IndicatorDefinition._meta.get_fields()]
INDICATOR_FIELDS = [*DEFINITION_FIELDS, "code", "baseline", "cost_avoided_line", "position",
                    "standard"]
MIN_SCALE_LEVELS = 2


def _require_staff(user, project: ScalingProject) -> None:
    if not can_manage_evaluation(user, project):
        raise PermissionDenied(_("Only the programme's staff set up the indicators."))


def _number_error(field: str, raw, error: ValueError) -> ValidationError:
    if isinstance(error, TooLarge):
        message = _("%(value)s is too large for a value.")
    else:
        message = _("“%(value)s” is not a number.")
    return ValidationError({field: ValidationError(message % {"value": raw},
                                                   code="invalid_number")})


# --- Scales ------------------------------------------------------------------------------------


def check_scale_levels(levels: list[dict]) -> None:
    """A qualitative scale has at least two levels, numbered 1, 2, 3... without gaps, each
    with a label."""
    values = sorted(level.get("value") or 0 for level in levels)
    if len(values) < MIN_SCALE_LEVELS:
        raise ValidationError({"levels": ValidationError(
            _("A qualitative indicator needs a scale of at least two levels."),
            code="too_few_levels")})
    if values != list(range(1, len(values) + 1)):
        raise ValidationError({"levels": ValidationError(
            _("Number the levels of the scale 1, 2, 3... without gaps."),
            code="levels_not_consecutive")})
    if any(not (level.get("label") or "").strip() for level in levels):
        raise ValidationError({"levels": ValidationError(
            _("Give each level of the scale a label."), code="level_without_label")})


def _replace_levels(indicator: Indicator, levels: list[dict]) -> None:
    indicator.levels.all().delete()
    ScaleLevel.objects.bulk_create(
        ScaleLevel(indicator=indicator, value=level["value"], label=level["label"].strip(),
                   description=level.get("description", "")) for level in levels)


# --- Indicators --------------------------------------------------------------------------------


def _check_definition(project: ScalingProject, indicator: Indicator,
                      levels: list[dict] | None) -> None:
    """Refuse an indicator whose parts do not fit together, naming the field at fault."""
    errors = {}
    if not (indicator.name or "").strip():
        errors["name"] = _("Give the indicator a name.")
    if not (indicator.code or "").strip():
        errors["code"] = _("Give the indicator a short code.")
    elif (Indicator.objects.filter(project=project, code=indicator.code)
          .exclude(pk=indicator.pk).exists()):
        errors["code"] = _("Another indicator of this project already has this code.")
    if indicator.kind == Indicator.Kind.QUANTITATIVE and not indicator.measure:
        errors["measure"] = _("Say whether the indicator is a number or a percentage.")
    if indicator.is_percentage and indicator.unit:
        errors["unit"] = _("A percentage has no unit: sites enter a numerator and a "
                           "denominator.")
    line = indicator.cost_avoided_line
    if line is not None:
        if line.innovation_id != project.innovation_id:
            errors["cost_avoided_line"] = _("Choose a line of this innovation's economic "
                                            "model.")
        elif line.category != EconomicLine.Category.COST_AVOIDED:
            errors["cost_avoided_line"] = _("Choose a line of the “costs avoided” category.")
        elif indicator.is_qualitative or indicator.is_percentage:
            errors["cost_avoided_line"] = _("Only a number (a volume) multiplies a unit cost "
                                            "avoided.")
    if errors:
        raise ValidationError(errors)
    if indicator.is_qualitative:
        if levels is None:
            levels = list(indicator.levels.values("value", "label")) if indicator.pk else []
        check_scale_levels(levels)


def _apply(indicator: Indicator, fields: dict) -> None:
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown indicator fields: {', '.join(sorted(unknown))}")
    if "baseline" in fields:
        try:
            fields["baseline"] = parse_decimal(fields["baseline"])
        except ValueError as error:
            raise _number_error("baseline", fields["baseline"], error) from None
    for name, value in fields.items():
        setattr(indicator, name, value)
    if indicator.kind == Indicator.Kind.QUALITATIVE:
        # A scale is read level by level: there is no number or percentage to choose.
        indicator.measure = ""
        indicator.unit = ""
    for name in ("name", "code", "unit"):
        setattr(indicator, name, (getattr(indicator, name) or "").strip())


@transaction.atomic
def create_indicator(project: ScalingProject, *, user, levels: list[dict] | None = None,
                     **fields) -> Indicator:
    """Add an indicator to the project's framework, with its scale when it is qualitative."""
    _require_staff(user, project)
    indicator = Indicator(project=project)
    _apply(indicator, fields)
    _check_definition(project, indicator, levels if indicator.is_qualitative else [])
    indicator._history_user = user
    indicator.save()
    if indicator.is_qualitative:
        _replace_levels(indicator, levels)
    return indicator


@transaction.atomic
def update_indicator(indicator: Indicator, *, user, levels: list[dict] | None = None,
                     **fields) -> Indicator:
    """Change an indicator; a new scale, when given, replaces the old one."""
    _require_staff(user, indicator.project)
    _apply(indicator, fields)
    _check_definition(indicator.project, indicator, levels)
    indicator._history_user = user
    indicator.save()
    if indicator.is_qualitative and levels is not None:
        _replace_levels(indicator, levels)
    return indicator


@transaction.atomic
def add_indicator_from_standard(project: ScalingProject, standard: StandardIndicator,
                                user) -> Indicator:
    """Copy a standard indicator, and its scale, into the project; the copy then lives its own
    life (the project may adapt it) and remembers where it came from."""
    _require_staff(user, project)
    fields = {name: getattr(standard, name) for name in DEFINITION_FIELDS}
    levels = [{"value": level.value, "label": level.label, "description": level.description}
              for level in standard.levels.all()]
    return create_indicator(project, user=user, levels=levels, code=standard.code,
                            standard=standard,
                            position=project.indicators.count(), **fields)


# --- Targets -----------------------------------------------------------------------------------


def _target_value(indicator: Indicator, value, level) -> tuple:
    if indicator.is_qualitative:
        if value not in (None, ""):
            raise ValidationError({"value": ValidationError(
                _("A qualitative indicator's target is a level of its scale."),
                code="level_expected")})
        try:
            level = parse_level(level)
        except NotANumber:
            raise ValidationError({"level": ValidationError(
                _("“%(value)s” is not a level of the scale.") % {"value": level},
                code="invalid_level")}) from None
        top = indicator.levels.order_by("-value").values_list("value", flat=True).first() or 0
        if level is None or not 1 <= level <= top:
            raise ValidationError({"level": ValidationError(
                _("Choose a level between 1 and %(top)s.") % {"top": top},
                code="level_outside_scale")})
        return None, level
    try:
        number = parse_decimal(value)
    except ValueError as error:
        raise _number_error("value", value, error) from None
    if number is None:
        raise ValidationError({"value": ValidationError(_("Give a target value."),
                                                        code="required")})
    if indicator.is_percentage and not 0 <= number <= 100:
        raise ValidationError({"value": ValidationError(
            _("A percentage target lies between 0 and 100."), code="percentage_range")})
    return number, None


@transaction.atomic
def set_target(indicator: Indicator, *, user, period_end: date, value=None, level=None,
               site: AdopterSite | None = None,
               category: DisaggregationCategory | None = None) -> IndicatorTarget:
    """Set the target of an indicator for a site (or the whole project) and a category (or the
    total) by a date, replacing the one already set there.

    A negative target is accepted: some indicators are balances that may stay below zero.
    """
    _require_staff(user, indicator.project)
    if site is not None and site.project_id != indicator.project_id:
        raise ValidationError({"site": ValidationError(
            _("This site does not take part in the indicator's project."),
            code="site_outside_project")})
    if category is not None and category.disaggregation.indicator_id != indicator.pk:
        raise ValidationError({"category": ValidationError(
            _("This category does not break this indicator down."),
            code="category_outside_indicator")})
    if not isinstance(period_end, date):
        raise ValidationError({"period_end": ValidationError(_("Give the date of the target."),
                                                             code="required")})
    number, level = _target_value(indicator, value, level)
    target = IndicatorTarget.objects.filter(indicator=indicator, site=site, category=category,
                                            period_end=period_end).first()
    target = target or IndicatorTarget(indicator=indicator, site=site, category=category,
                                       period_end=period_end)
    target.value, target.level = number, level
    target._history_user = user
    target.save()
    return target


# --- Disaggregations ---------------------------------------------------------------------------


def _category_code(label: str, taken: set[str]) -> str:
    base = (slugify(label) or "categorie")[:26]
    code, number = base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    taken.add(code)
    return code


@transaction.atomic
def save_disaggregation(indicator: Indicator, *, user, dimension: str, label: str,
                        categories: list[str],
                        disaggregation: Disaggregation | None = None) -> Disaggregation:
    """Add a breakdown of the indicator, or change one, with its categories in the order
    given; a category already used by reported values or targets cannot be dropped."""
    _require_staff(user, indicator.project)
    errors = {}
    label = (label or "").strip()
    names = [name.strip() for name in categories if name and name.strip()]
    if dimension not in Disaggregation.Dimension.values:
        errors["dimension"] = _("Choose what the values are broken down by.")
    elif (dimension != Disaggregation.Dimension.OTHER
          and indicator.disaggregations.filter(dimension=dimension)
          .exclude(pk=disaggregation.pk if disaggregation else None).exists()):
        errors["dimension"] = _("This indicator is already broken down this way.")
    if not label:
        errors["label"] = _("Give the breakdown a name, such as “Sex” or “Age band”.")
    if len(names) < 2:
        errors["categories"] = _("A breakdown needs at least two categories, one per line.")
    elif len({name.casefold() for name in names}) != len(names):
        errors["categories"] = _("Each category appears once.")
    if disaggregation is not None and disaggregation.indicator_id != indicator.pk:
        raise ValidationError(_("This breakdown belongs to another indicator."))
    existing = list(disaggregation.categories.all()) if disaggregation else []
    kept = {name.casefold() for name in names}
    dropped = [category for category in existing if category.label.casefold() not in kept]
    in_use = [category.label for category in dropped
              if category.values.exists() or category.targets.exists()]
    if in_use and "categories" not in errors:
        errors["categories"] = _("%(categories)s already hold values or targets: keep them.") % {
            "categories": ", ".join(in_use)}
    if errors:
        raise ValidationError(errors)

    disaggregation = disaggregation or Disaggregation(indicator=indicator)
    disaggregation.dimension, disaggregation.label = dimension, label
    disaggregation.save()
    DisaggregationCategory.objects.filter(pk__in=[c.pk for c in dropped]).delete()
    by_name = {category.label.casefold(): category for category in existing}
    taken = {category.code for category in existing if category not in dropped}
    for position, name in enumerate(names):
        category = by_name.get(name.casefold())
        if category is None:
            DisaggregationCategory.objects.create(
                disaggregation=disaggregation, label=name, position=position,
                code=_category_code(name, taken))
        elif (category.position, category.label) != (position, name):
            category.position, category.label = position, name
            category.save(update_fields=["position", "label"])
    return disaggregation


@transaction.atomic
def delete_disaggregation(disaggregation: Disaggregation, *, user) -> None:
    """Remove a breakdown that nothing was reported or targeted in yet."""
    _require_staff(user, disaggregation.indicator.project)
    categories = disaggregation.categories.all()
    if (DisaggregationCategory.objects.filter(pk__in=categories, values__isnull=False).exists()
            or DisaggregationCategory.objects.filter(pk__in=categories,
                                                     targets__isnull=False).exists()):
        raise ValidationError(_("Values or targets were entered for this breakdown: it "
                                "cannot be removed."), code="in_use")
    disaggregation.delete()
