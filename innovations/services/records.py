"""Changes to innovation records: creation, editing by section, versions, publication, search."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import fold

from ..models import (
    Component,
    EconomicLine,
    Innovation,
    Partner,
    Revision,
    ScalingModelChoice,
    Step,
)
from ..permissions import can_edit_innovation
from ..scaling import SUBTYPES, ScalingModel, ScalingObjective

SEARCH_CONFIG = "french_unaccent"

RECORD_FIELDS = (
    "title", "summary", "is_public_innovation", "problem", "objectives", "observed_impacts",
    "evidence_level", "evidence_references", "prerequisites", "success_factors",
    "failure_factors", "beneficiaries_per_year", "scaling_objectives",
)

# The record is edited one section at a time; each section owns these keys of the snapshot,
# which is how a save notices that someone else changed the same section meanwhile.
SECTION_KEYS = {
    "description": ("title", "summary", "is_public_innovation", "problem", "publics", "themes",
                    "objectives", "observed_impacts", "territories", "beneficiaries_per_year"),
    "evidence": ("evidence_level", "evidence_references"),
    "model": ("steps", "components"),
    "conditions": ("prerequisites", "success_factors", "failure_factors"),
    "partners": ("partners",),
    "economics": ("economic_lines",),
    "scaling": ("scaling_objectives", "scaling_models"),
}

SECTION_TITLES = {
    "description": gettext_lazy("Description"),
    "evidence": gettext_lazy("Evidence of impact"),
    "model": gettext_lazy("Dispositif and components"),
    "conditions": gettext_lazy("Conditions of success"),
    "partners": gettext_lazy("Partners"),
    "economics": gettext_lazy("Economic model"),
    "scaling": gettext_lazy("Scaling strategy"),
}

DESCRIPTION_FIELDS = ("title", "summary", "is_public_innovation", "problem", "objectives",
                      "observed_impacts", "beneficiaries_per_year")
EVIDENCE_FIELDS = ("evidence_level", "evidence_references")
CONDITIONS_FIELDS = ("prerequisites", "success_factors", "failure_factors")


# --- Versions -----------------------------------------------------------------------------


def snapshot(innovation: Innovation) -> dict:
    """The whole record as plain data, so that two versions can be compared field by field."""
    # Related rows prefetched for a page would be stale here: read them afresh.
    getattr(innovation, "_prefetched_objects_cache", {}).clear()
    data = {name: getattr(innovation, name) for name in RECORD_FIELDS}
    data["owner"] = innovation.owner.name
    data["status"] = innovation.status
    data["themes"] = sorted(innovation.themes.values_list("name", flat=True))
    data["publics"] = sorted(innovation.publics.values_list("name", flat=True))
    data["territories"] = sorted(innovation.territories.values_list("name", flat=True))
    data["components"] = [
        {"kind": c.kind, "title": c.title, "description": c.description}
        for c in innovation.components.all()
    ]
    data["steps"] = [{"title": s.title, "description": s.description}
                     for s in innovation.steps.all()]
    data["partners"] = [
        {"name": p.name, "contribution": p.contribution, "phase": p.phase}
        for p in innovation.partners.all()
    ]
    data["economic_lines"] = [
        {"category": line.category, "label": line.label, "nature": line.nature,
         "amount": str(line.amount), "unit": line.unit, "period": line.period}
        for line in innovation.economic_lines.all()
    ]
    data["scaling_models"] = [
        {"model": choice.model, "subtype": choice.subtype}
        for choice in innovation.model_choices.order_by("model")
    ]
    return data


@transaction.atomic
def record_revision(innovation: Innovation, *, author, comment: str = "") -> Revision | None:
    """Keep the record as it is now as a new version, unless nothing changed since the last."""
    # Lock the record so that two saves at once cannot take the same version number.
    Innovation.objects.select_for_update().filter(pk=innovation.pk).first()
    content = snapshot(innovation)
    last = innovation.revisions.order_by("-number").first()
    if last is not None and last.snapshot == content:
        return None
    number = (innovation.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
    return Revision.objects.create(innovation=innovation, number=number, author=author,
                                   comment=comment[:300], snapshot=content)


# --- Search document ---------------------------------------------------------------------


def refresh_search_document(innovation: Innovation) -> None:
    """Rewrite what the bank searches: title and summary weigh more than the rest."""
    headline = " ".join([innovation.title, innovation.summary])
    body = " ".join([
        innovation.owner.name, innovation.problem, innovation.objectives,
        innovation.observed_impacts, innovation.prerequisites, innovation.success_factors,
        *innovation.themes.values_list("name", flat=True),
        *innovation.publics.values_list("name", flat=True),
        *innovation.territories.values_list("name", flat=True),
        *[f"{c.title} {c.description}" for c in innovation.components.all()],
        *[f"{s.title} {s.description}" for s in innovation.steps.all()],
    ])
    changes = {"search_text": fold(f"{headline} {body}")}
    if connection.vendor == "postgresql":
        changes["search_vector"] = (
            SearchVector(Value(headline), weight="A", config=SEARCH_CONFIG)
            + SearchVector(Value(body), weight="B", config=SEARCH_CONFIG)
        )
    Innovation.objects.filter(pk=innovation.pk).update(**changes)


def record_changed(innovation: Innovation, *, author, comment: str = "") -> Revision | None:
    """What every edit of a record ends with: a new version and a fresh search document.

    Returns the new version, or None when the edit changed nothing.
    """
    revision = record_revision(innovation, author=author, comment=comment)
    refresh_search_document(innovation)
    return revision


# --- Creation and publication --------------------------------------------------------------


@transaction.atomic
def create_innovation(*, owner, author, comment: str = "", **fields) -> Innovation:
    """Create a draft record for the structure `owner`, as its first version."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"Not a record field: {', '.join(sorted(unknown))}")
    innovation = Innovation(owner=owner, **fields)
    innovation.full_clean()
    innovation.save()
    record_changed(innovation, author=author, comment=comment or _("Record created."))
    return innovation


@dataclass(frozen=True)
class Gap:
    """Something a record lacks before publication, and the section where it is filled in."""

    label: str
    section: str


def publication_gaps(innovation: Innovation) -> list[Gap]:
    """What a record lacks before peers can find it in the bank, with where to add it."""
    gaps = []
    if not innovation.summary.strip():
        gaps.append(Gap(_("a summary"), "description"))
    if not innovation.problem.strip():
        gaps.append(Gap(_("the problem addressed"), "description"))
    if not innovation.themes.exists():
        gaps.append(Gap(_("at least one theme"), "description"))
    if not innovation.components.filter(kind=Component.Kind.CORE).exists():
        gaps.append(Gap(_("at least one core component"), "model"))
    return gaps


def missing_for_publication(innovation: Innovation) -> list[str]:
    """What a record lacks before peers can find it in the bank, in words."""
    return [gap.label for gap in publication_gaps(innovation)]


@transaction.atomic
def publish_innovation(innovation: Innovation, *, author) -> Innovation:
    """Put the record in the knowledge bank, once it says enough to be useful to peers."""
    if innovation.is_published:
        return innovation
    missing = missing_for_publication(innovation)
    if missing:
        raise ValidationError(
            _("Before publishing, add: %(missing)s.") % {"missing": ", ".join(missing)},
            code="incomplete_record",
        )
    innovation.status = Innovation.Status.PUBLISHED
    innovation.published_at = timezone.now()
    innovation.save(update_fields=["status", "published_at", "updated_at"])
    record_changed(innovation, author=author, comment=_("Published in the knowledge bank."))
    return innovation


@transaction.atomic
def innovation_for_selected_application(application, *, author) -> Innovation:
    """The record a selected application leads to: the one already linked, or a new draft."""
    if application.innovation_id:
        return application.innovation
    innovation = create_innovation(
        owner=application.structure,
        author=author,
        comment=_("Created from the application to %(call)s.") % {"call": application.call},
        title=application.title[:200],
        summary=application.summary[:1000],
    )
    application.innovation = innovation
    application.save(update_fields=["innovation", "updated_at"])
    return innovation


# --- Editing, one section at a time -----------------------------------------------------------
#
# Every editing service takes the person who edits as `author` (None for the platform itself:
# commands and imports), an optional `comment` saying what changed, and optionally the version
# number the editor started from (`base_version`), to refuse overwriting someone else's edit of
# the same section. Each runs in one transaction and ends with record_changed().


def _begin_edit(innovation: Innovation, section: str, *, author, base_version) -> Innovation:
    """Check the author may edit, lock the record and refuse a stale edit of the section."""
    if author is not None and not can_edit_innovation(author, innovation):
        raise PermissionDenied(_("Only the innovator's members may change this record."))
    locked = (Innovation.objects.select_for_update(of=("self",)).select_related("owner")
              .get(pk=innovation.pk))
    if base_version is not None:
        _refuse_stale_edit(locked, section, base_version)
    return locked


def _refuse_stale_edit(innovation: Innovation, section: str, base_version: int) -> None:
    latest = innovation.revisions.select_related("author").order_by("-number").first()
    if latest is None or latest.number <= base_version:
        return
    base = innovation.revisions.filter(number=base_version).values_list(
        "snapshot", flat=True).first() or {}
    if all(base.get(key) == latest.snapshot.get(key) for key in SECTION_KEYS[section]):
        return  # someone changed another section: no conflict
    raise ValidationError(
        _("While you were editing, %(author)s saved a new version of this section "
          "(version %(number)s). What you typed is kept below: compare it with the record, "
          "then save again to replace their version.")
        % {"author": latest.author or _("someone"), "number": latest.number},
        code="stale_version",
    )


def _finish_edit(innovation: Innovation, section: str, *, author,
                 comment: str) -> Revision | None:
    """Refuse to leave a published record incomplete, then keep a version."""
    if innovation.is_published:
        missing = missing_for_publication(innovation)
        if missing:
            raise ValidationError(
                _("A published record must keep %(missing)s.") % {"missing": ", ".join(missing)},
                code="published_incomplete",
            )
    # Without a comment, the list of versions still says which section changed.
    comment = (comment or "").strip() or _("%(section)s edited.") % {
        "section": SECTION_TITLES[section]}
    return record_changed(innovation, author=author, comment=comment)


def _set_fields(innovation: Innovation, allowed, fields: dict) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable in this section: {', '.join(sorted(unknown))}")
    changed = [name for name, value in fields.items() if getattr(innovation, name) != value]
    for name in changed:
        setattr(innovation, name, fields[name])
    if changed:
        innovation.full_clean(exclude=["owner"])
        innovation.save(update_fields=[*changed, "updated_at"])


@transaction.atomic
def update_description(innovation: Innovation, *, author, comment: str = "",
                       base_version: int | None = None, themes=None, publics=None,
                       territories=None, **fields) -> Revision | None:
    """Change what the innovation is, whom it serves and where it runs."""
    innovation = _begin_edit(innovation, "description", author=author, base_version=base_version)
    _set_fields(innovation, DESCRIPTION_FIELDS, fields)
    if themes is not None:
        innovation.themes.set(themes)
    if publics is not None:
        innovation.publics.set(publics)
    if territories is not None:
        innovation.territories.set(territories)
    return _finish_edit(innovation, "description", author=author, comment=comment)


@transaction.atomic
def update_evidence(innovation: Innovation, *, author, comment: str = "",
                    base_version: int | None = None, **fields) -> Revision | None:
    """Change the level of evidence of impact and its references."""
    innovation = _begin_edit(innovation, "evidence", author=author, base_version=base_version)
    _set_fields(innovation, EVIDENCE_FIELDS, fields)
    return _finish_edit(innovation, "evidence", author=author, comment=comment)


@transaction.atomic
def update_conditions(innovation: Innovation, *, author, comment: str = "",
                      base_version: int | None = None, **fields) -> Revision | None:
    """Change the prerequisites and the success and failure factors."""
    innovation = _begin_edit(innovation, "conditions", author=author, base_version=base_version)
    _set_fields(innovation, CONDITIONS_FIELDS, fields)
    return _finish_edit(innovation, "conditions", author=author, comment=comment)


def _item_errors(name: str, error: ValidationError, model) -> list[ValidationError]:
    """Say which row an error comes from, keeping the error's code."""
    found = []
    details = (error.error_dict.items() if hasattr(error, "error_dict")
               else [(None, error.error_list)])
    for field, errors in details:
        label = (str(model._meta.get_field(field).verbose_name)
                 if field and field != "__all__" else "")
        for item in errors:
            message = " ".join(item.messages)
            text = (_("%(row)s, %(field)s: %(message)s") if label
                    else _("%(row)s: %(message)s"))
            found.append(ValidationError(
                text % {"row": name, "field": label, "message": message}, code=item.code,
            ))
    return found


def _replace_rows(existing: dict, items, build, *, name_of, model) -> None:
    """Make the rows be `items`, in order: update those named by pk, create the others,
    delete the rest. `build(row, item, position)` fills a row; `name_of(position)` names it
    in error messages."""
    errors, rows = [], []
    for position, item in enumerate(items):
        pk = item.get("pk")
        if pk is not None and pk not in existing:
            errors.append(ValidationError(
                _("%(row)s is not part of this record any more: reload the page.")
                % {"row": name_of(position)},
                code="unknown_item",
            ))
            continue
        row = existing[pk] if pk is not None else model()
        try:
            build(row, item, position)
            row.full_clean(exclude=["innovation"])
        except ValidationError as error:
            errors.extend(_item_errors(name_of(position), error, model))
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    kept = {row.pk for row in rows if row.pk}
    model.objects.filter(pk__in=set(existing) - kept).delete()
    for row in rows:
        row.save()


def _numbered(template: str, offset: int = 0):
    return lambda position: template % {"number": position + 1 - offset}


def _text(item: dict, key: str) -> str:
    return (item.get(key) or "").strip()


@transaction.atomic
def update_dispositif(innovation: Innovation, *, author, steps, core_components,
                      adaptable_components, comment: str = "",
                      base_version: int | None = None) -> Revision | None:
    """Describe the dispositif step by step, and what is core and what is adaptable.

    Each list holds dicts with `title`, `description` and, for rows that exist, `pk`;
    the list order is the order shown. Rows left out are removed.
    """
    innovation = _begin_edit(innovation, "model", author=author, base_version=base_version)

    def fill():
        def build(row, item, position):
            row.innovation = innovation
            row.title = _text(item, "title")
            row.description = _text(item, "description")
            row.order = position
        return build

    core_count = len(core_components)
    errors = []
    try:
        _replace_rows({s.pk: s for s in innovation.steps.all()}, steps, fill(),
                      name_of=_numbered(_("Step %(number)s")), model=Step)
    except ValidationError as error:
        errors.extend(error.error_list)
    try:
        _replace_rows(
            {c.pk: c for c in innovation.components.all()},
            [*core_components, *adaptable_components],
            _component_builder(innovation, core_count),
            name_of=lambda position: (
                _numbered(_("Core component %(number)s"))(position) if position < core_count
                else _numbered(_("Adaptable component %(number)s"), core_count)(position)),
            model=Component,
        )
    except ValidationError as error:
        errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return _finish_edit(innovation, "model", author=author, comment=comment)


def _component_builder(innovation, core_count):
    def build(row, item, position):
        row.innovation = innovation
        row.title = _text(item, "title")
        row.description = _text(item, "description")
        # Core components come first in the list; each kind is numbered from zero.
        is_core = position < core_count
        row.kind = Component.Kind.CORE if is_core else Component.Kind.ADAPTABLE
        row.order = position if is_core else position - core_count
    return build


@transaction.atomic
def update_partners(innovation: Innovation, *, author, partners, comment: str = "",
                    base_version: int | None = None) -> Revision | None:
    """Name the partners, what each brings and the phase in which it joins.

    Each partner is a dict with `name` and/or `structure` (a structure of the directory),
    `contribution`, `phase` and, for rows that exist, `pk`.
    """
    innovation = _begin_edit(innovation, "partners", author=author, base_version=base_version)

    def build(row, item, position):
        row.innovation = innovation
        row.structure = item.get("structure")
        row.name = _text(item, "name") or (row.structure.name if row.structure else "")
        if not row.name:
            raise ValidationError(
                {"name": ValidationError(_("Give the partner's name or choose it in the "
                                           "directory."), code="partner_name_required")}
            )
        row.contribution = _text(item, "contribution")
        row.phase = item.get("phase") or Partner.Phase.OPERATION

    existing = {p.pk: p for p in innovation.partners.select_related("structure")}
    _replace_rows(existing, partners, build, name_of=_numbered(_("Partner %(number)s")),
                  model=Partner)
    return _finish_edit(innovation, "partners", author=author, comment=comment)


def parse_amount(value) -> Decimal:
    """An amount as a Decimal; refuses what is not a finite number or is negative."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            amount = None
    else:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("Enter the amount as a number, such as 1200 or 1 200,50."),
                              code="invalid_amount")
    if amount < 0:
        raise ValidationError(_("An amount cannot be negative: record savings as costs avoided."),
                              code="negative_amount")
    return amount


def check_line_unit(unit: str, period: str) -> None:
    """A full-time equivalent already measures a year of work, so it has no monthly rate."""
    if unit == EconomicLine.Unit.FTE and period == EconomicLine.Period.PER_MONTH:
        raise ValidationError(
            _("A full-time equivalent already measures a year of work: give monthly time in "
              "days, or choose per year."),
            code="fte_per_month",
        )


@transaction.atomic
def update_economic_grid(innovation: Innovation, *, author, lines, comment: str = "",
                         base_version: int | None = None) -> Revision | None:
    """Replace the lines of the economic model grid (seed 004, proposal 4).

    Each line is a dict with `category`, `label`, `nature`, `amount` (a number ≥ 0),
    `unit`, `period` and, for lines that exist, `pk`.
    """
    innovation = _begin_edit(innovation, "economics", author=author, base_version=base_version)

    def build(row, item, position):
        row.innovation = innovation
        row.category = item.get("category") or ""
        row.label = _text(item, "label")
        row.nature = _text(item, "nature")
        row.unit = item.get("unit") or EconomicLine.Unit.EUROS
        row.period = item.get("period") or EconomicLine.Period.PER_YEAR
        errors = {}
        try:
            row.amount = parse_amount(item.get("amount"))
        except ValidationError as error:
            errors["amount"] = error
            row.amount = Decimal("0")
        try:
            check_line_unit(row.unit, row.period)
        except ValidationError as error:
            errors["period"] = error
        if errors:
            raise ValidationError(errors)

    existing = {line.pk: line for line in innovation.economic_lines.all()}
    _replace_rows(existing, lines, build, name_of=_numbered(_("Line %(number)s")),
                  model=EconomicLine)
    return _finish_edit(innovation, "economics", author=author, comment=comment)


@transaction.atomic
def update_scaling(innovation: Innovation, *, author, objectives, models, comment: str = "",
                   base_version: int | None = None) -> Revision | None:
    """Set the scaling objectives pursued and the scaling models considered.

    `objectives` are ScalingObjective values; `models` maps each model considered to its
    sub-type ("" when none is chosen yet), which must be one of that model's sub-types.
    """
    innovation = _begin_edit(innovation, "scaling", author=author, base_version=base_version)
    unknown = [str(o) for o in objectives if o not in ScalingObjective.values]
    if unknown:
        raise ValidationError(
            {"objectives": ValidationError(
                _("Unknown scaling objective: %(value)s.") % {"value": ", ".join(unknown)},
                code="unknown_objective")}
        )
    errors = []
    for model, subtype in models.items():
        if model not in ScalingModel.values:
            errors.append(ValidationError(_("Unknown scaling model: %(value)s.")
                                          % {"value": model}, code="unknown_model"))
        elif subtype and subtype not in SUBTYPES[ScalingModel(model)]:
            errors.append(ValidationError(
                _("“%(subtype)s” is not a sub-type of %(model)s.")
                % {"subtype": subtype, "model": ScalingModel(model).label},
                code="subtype_mismatch",
            ))
    if errors:
        raise ValidationError({"models": errors})

    # Kept in the matrix's order, so that ticking the same boxes again changes nothing.
    chosen = [o for o in ScalingObjective.values if o in set(objectives)]
    if innovation.scaling_objectives != chosen:
        innovation.scaling_objectives = chosen
        innovation.save(update_fields=["scaling_objectives", "updated_at"])
    existing = {choice.model: choice for choice in innovation.model_choices.all()}
    ScalingModelChoice.objects.filter(
        pk__in=[c.pk for m, c in existing.items() if m not in models]
    ).delete()
    for model, subtype in models.items():
        choice = existing.get(model)
        if choice is None:
            ScalingModelChoice.objects.create(innovation=innovation, model=model,
                                              subtype=subtype or "")
        elif choice.subtype != (subtype or ""):
            choice.subtype = subtype or ""
            choice.save(update_fields=["subtype"])
    return _finish_edit(innovation, "scaling", author=author, comment=comment)
