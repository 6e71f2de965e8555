"""Every change to the fidelity scale of a project and to its sites' assessments: the scale
built from the strategy's core components, its domains, items and worded levels; assessments
started, filled in as drafts and completed."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from innovations.models import Component
from programmes.models import AdopterSite, ScalingProject, StrategyComponent

from ..models import (
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityLevelDescription,
    FidelityRating,
    FidelityScale,
)

NAME_MAX_LENGTH = 200
COMMENT_MAX_LENGTH = 2000


def level_key(item_id: int) -> str:
    """The key under which save_assessment() reports an item's error (the form's field)."""
    return f"level_{item_id}"


# --- The scale -------------------------------------------------------------------------------


def core_components(project: ScalingProject):
    """The core components of the project's scaling strategy, in their order."""
    return StrategyComponent.objects.filter(strategy__project=project,
                                            kind=Component.Kind.CORE).order_by("order", "pk")


@transaction.atomic
def create_scale_from_components(project: ScalingProject, *, by=None) -> tuple[FidelityScale,
                                                                               int]:
    """Give the project a fidelity scale whose items are its core components; a second call
    only adds the core components that have no item yet. Returns the scale and how many items
    it added."""
    scale, _created = FidelityScale.objects.get_or_create(
        project=project,
        defaults={"title": (_("Fidelity scale of %(project)s")
                            % {"project": project.title})[:NAME_MAX_LENGTH]})
    scale = FidelityScale.objects.select_for_update().get(pk=scale.pk)
    taken = set(FidelityItem.objects.filter(domain__scale=scale, component__isnull=False)
                .values_list("component_id", flat=True))
    missing = [c for c in core_components(project) if c.pk not in taken]
    if not missing:
        return scale, 0
    domain = scale.domains.order_by("position", "pk").first()
    if domain is None:
        domain = FidelityDomain.objects.create(scale=scale, name=_("Core components"))
    start = (domain.items.aggregate(last=Max("position"))["last"] or 0) + 1
    FidelityItem.objects.bulk_create([
        FidelityItem(domain=domain, component=component, label=component.title[:NAME_MAX_LENGTH],
                     description=component.description, position=start + index)
        for index, component in enumerate(missing)
    ])
    return scale, len(missing)


@transaction.atomic
def update_scale(scale: FidelityScale, *, title: str, max_level: int, alert_threshold: int,
                 by=None) -> FidelityScale:
    """Rename the scale, choose 4 or 5 levels and the level at or below which an item needs
    support; refuse to drop level 5 while ratings use it."""
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ValidationError(_("Give the scale a title."), code="required")
    if max_level not in (4, 5):
        errors["max_level"] = ValidationError(_("A scale has 4 or 5 levels."),
                                              code="max_level")
    elif max_level < scale.max_level and FidelityRating.objects.filter(
            item__domain__scale=scale, level__gt=max_level).exists():
        errors["max_level"] = ValidationError(
            _("Some assessments rate items at level %(level)s: the scale keeps its %(level)s "
              "levels.") % {"level": scale.max_level}, code="levels_in_use")
    if not errors and not 1 <= alert_threshold < max_level:
        errors["alert_threshold"] = ValidationError(
            _("The alert threshold must be a level from 1 to %(highest)s.")
            % {"highest": max_level - 1}, code="threshold_range")
    if errors:
        raise ValidationError(errors)
    if max_level < scale.max_level:
        FidelityLevelDescription.objects.filter(item__domain__scale=scale,
                                                level__gt=max_level).delete()
    scale.title, scale.max_level, scale.alert_threshold = title, max_level, alert_threshold
    scale.save(update_fields=["title", "max_level", "alert_threshold"])
    return scale


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ValidationError(_("Give the domain a name."),
                                                       code="required")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": ValidationError(
            _("A domain's name has %(max)s characters at most.") % {"max": NAME_MAX_LENGTH},
            code="max_length")})
    return name


@transaction.atomic
def add_domain(scale: FidelityScale, *, name: str, by=None) -> FidelityDomain:
    """Add a domain after the others."""
    name = _clean_name(name)
    last = scale.domains.aggregate(last=Max("position"))["last"]
    return FidelityDomain.objects.create(scale=scale, name=name,
                                         position=0 if last is None else last + 1)


@transaction.atomic
def rename_domain(domain: FidelityDomain, *, name: str, by=None) -> FidelityDomain:
    """Rename a domain."""
    domain.name = _clean_name(name)
    domain.save(update_fields=["name"])
    return domain


def _move(rows: list, row, up: bool) -> None:
    """Swap `row` with its neighbour in `rows`, numbering them all from 0."""
    index = next(i for i, other in enumerate(rows) if other.pk == row.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    for position, other in enumerate(rows):
        other.position = position
    type(row).objects.bulk_update(rows, ["position"])


@transaction.atomic
def move_domain(domain: FidelityDomain, *, up: bool, by=None) -> None:
    """Move a domain one place up or down in its scale."""
    _move(list(domain.scale.domains.select_for_update().order_by("position", "pk")), domain, up)


@transaction.atomic
def delete_domain(domain: FidelityDomain, *, by=None) -> None:
    """Remove a domain that holds no item."""
    if domain.items.exists():
        raise ValidationError(_("Move or remove the items of “%(domain)s” before removing it.")
                              % {"domain": domain.name}, code="domain_not_empty")
    domain.delete()


@transaction.atomic
def save_item(scale: FidelityScale, *, item: FidelityItem | None = None, label: str,
              description: str = "", domain: FidelityDomain, component=None,
              levels: dict[int, str] | None = None, by=None) -> FidelityItem:
    """Create or change an item of the scale with the worded description of its levels; an
    empty description removes that level's wording."""
    errors = {}
    label = (label or "").strip()
    if not label:
        errors["label"] = ValidationError(_("Give the item a label."), code="required")
    elif len(label) > NAME_MAX_LENGTH:
        errors["label"] = ValidationError(
            _("An item's label has %(max)s characters at most.") % {"max": NAME_MAX_LENGTH},
            code="max_length")
    if domain is None or domain.scale_id != scale.pk:
        errors["domain"] = ValidationError(_("Choose a domain of this scale."),
                                           code="other_scale")
    if component is not None and not core_components(scale.project).filter(
            pk=component.pk).exists():
        errors["component"] = ValidationError(
            _("Choose a core component of this project's scaling strategy."),
            code="not_core_component")
    levels = levels or {}
    for level in levels:
        if not 1 <= level <= scale.max_level:
            errors[f"level_{level}"] = ValidationError(
                _("Level %(level)s is outside the scale (1 to %(max)s).")
                % {"level": level, "max": scale.max_level}, code="level_range")
    if errors:
        raise ValidationError(errors)

    if item is None:
        last = domain.items.aggregate(last=Max("position"))["last"]
        item = FidelityItem(position=0 if last is None else last + 1)
    elif item.domain_id != domain.pk:
        last = domain.items.aggregate(last=Max("position"))["last"]
        item.position = 0 if last is None else last + 1
    item.domain, item.label, item.component = domain, label, component
    item.description = (description or "").strip()
    item.save()

    existing = {row.level: row for row in item.levels.all()}
    to_create, to_update, to_delete = [], [], []
    for level, text in levels.items():
        text = (text or "").strip()
        row = existing.get(level)
        if text and row is None:
            to_create.append(FidelityLevelDescription(item=item, level=level, description=text))
        elif text and row.description != text:
            row.description = text
            to_update.append(row)
        elif not text and row is not None:
            to_delete.append(row.pk)
    FidelityLevelDescription.objects.bulk_create(to_create)
    FidelityLevelDescription.objects.bulk_update(to_update, ["description"])
    FidelityLevelDescription.objects.filter(pk__in=to_delete).delete()
    return item


@transaction.atomic
def move_item(item: FidelityItem, *, up: bool, by=None) -> None:
    """Move an item one place up or down within its domain."""
    _move(list(item.domain.items.select_for_update().order_by("position", "pk")), item, up)


@transaction.atomic
def delete_item(item: FidelityItem, *, by=None) -> None:
    """Remove an item no assessment has rated (ratings are the sites' history)."""
    if item.ratings.exists():
        raise ValidationError(_("Assessments have rated “%(item)s”: it stays in the scale.")
                              % {"item": item.label}, code="item_rated")
    item.delete()


# --- Assessments -----------------------------------------------------------------------------


@transaction.atomic
def start_assessment(scale: FidelityScale, site: AdopterSite, *, by, method: str,
                     assessed_on, rater_name: str = "") -> FidelityAssessment:
    """Open a draft assessment of one of the project's sites on a past or present date."""
    errors = {}
    if site.project_id != scale.project_id:
        errors["site"] = ValidationError(_("This site belongs to another scaling project."),
                                         code="other_project")
    if method not in FidelityAssessment.Method.values:
        errors["method"] = ValidationError(_("Unknown method."), code="unknown_method")
    if assessed_on is None:
        errors["assessed_on"] = ValidationError(_("Give the date of the assessment."),
                                                code="required")
    elif assessed_on > timezone.localdate():
        errors["assessed_on"] = ValidationError(
            _("An assessment records what was observed: its date (%(date)s) cannot be in the "
              "future.") % {"date": date_format(assessed_on, "SHORT_DATE_FORMAT")},
            code="future_date")
    if not FidelityItem.objects.filter(domain__scale=scale).exists():
        errors["__all__"] = ValidationError(_("The fidelity scale has no item yet."),
                                            code="empty_scale")
    if errors:
        raise ValidationError(errors)
    assessment = FidelityAssessment(site=site, assessed_on=assessed_on, method=method,
                                    rater=by, rater_name=(rater_name or "").strip()[:200])
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ValidationError({"assessed_on": ValidationError(
            _("This site already has an assessment by this method on this date: open it "
              "rather than starting another."), code="duplicate")}) from None
    return assessment


@transaction.atomic
def save_assessment(assessment: FidelityAssessment, *, by,
                    ratings: dict[int, tuple[int | None, str]], comment: str | None = None,
                    complete: bool = False) -> FidelityAssessment:
    """Keep the levels and comments given so far; when `complete` is set, every item must be
    rated and the assessment is closed. `ratings` maps an item's id to (level or None,
    comment); errors come under level_key(item_id)."""
    assessment = FidelityAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status == FidelityAssessment.Status.COMPLETED:
        raise ValidationError(_("This assessment is already completed: it can no longer "
                                "change."), code="already_completed")
    scale = FidelityScale.objects.get(project_id=assessment.site.project_id)
    items = {item.pk: item for item in
             FidelityItem.objects.filter(domain__scale=scale)
             .order_by("domain__position", "domain_id", "position", "pk")}
    errors = {}
    for item_id, (level, _comment) in ratings.items():
        if item_id not in items:
            errors["__all__"] = ValidationError(_("An item does not belong to this scale."),
                                                code="other_scale")
        elif level is not None and not 1 <= level <= scale.max_level:
            errors[level_key(item_id)] = ValidationError(
                _("Level %(level)s is outside the scale: choose a level from 1 to %(max)s.")
                % {"level": level, "max": scale.max_level}, code="level_range")
    existing = {row.item_id: row for row in assessment.ratings.all()}
    if complete:
        for item_id, item in items.items():
            rated = (ratings[item_id][0] is not None if item_id in ratings
                     else item_id in existing)
            if not rated:
                errors.setdefault(level_key(item_id), ValidationError(
                    _("Rate “%(item)s” before completing the assessment.")
                    % {"item": item.label}, code="missing_rating"))
    if errors:
        raise ValidationError(errors)

    to_create, to_update, to_delete = [], [], []
    for item_id, (level, item_comment) in ratings.items():
        item_comment = (item_comment or "").strip()[:COMMENT_MAX_LENGTH]
        row = existing.get(item_id)
        if level is None:
            if row is not None:
                to_delete.append(row.pk)
        elif row is None:
            to_create.append(FidelityRating(assessment=assessment, item_id=item_id, level=level,
                                            comment=item_comment))
        elif (row.level, row.comment) != (level, item_comment):
            row.level, row.comment = level, item_comment
            to_update.append(row)
    # Ratings keep their history: the *_with_history helpers write it in bulk too.
    bulk_create_with_history(to_create, FidelityRating, default_user=by)
    bulk_update_with_history(to_update, FidelityRating, ["level", "comment"], default_user=by)
    for row in FidelityRating.objects.filter(pk__in=to_delete):
        row.delete()

    fields = []
    if comment is not None and comment.strip() != assessment.comment:
        assessment.comment = comment.strip()
        fields.append("comment")
    if complete:
        assessment.status = FidelityAssessment.Status.COMPLETED
        fields.append("status")
    if assessment.rater_id is None and by is not None:
        assessment.rater = by
        fields.append("rater")
    if fields:
        assessment.save(update_fields=fields)
    return assessment
