"""Changes to innovation records: creation, versions, publication and the search document."""

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import fold

from ..models import Component, Innovation, Revision

SEARCH_CONFIG = "french_unaccent"

RECORD_FIELDS = (
    "title", "summary", "is_public_innovation", "problem", "objectives", "observed_impacts",
    "evidence_level", "evidence_references", "prerequisites", "success_factors",
    "failure_factors", "beneficiaries_per_year", "scaling_objectives",
)


# --- Versions -----------------------------------------------------------------------------


def snapshot(innovation: Innovation) -> dict:
    """The whole record as plain data, so that two versions can be compared field by field."""
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


def record_changed(innovation: Innovation, *, author, comment: str = "") -> None:
    """What every edit of a record ends with: a new version and a fresh search document."""
    record_revision(innovation, author=author, comment=comment)
    refresh_search_document(innovation)


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


def missing_for_publication(innovation: Innovation) -> list[str]:
    """What a record lacks before peers can find it in the bank, in words."""
    missing = []
    if not innovation.summary.strip():
        missing.append(_("a summary"))
    if not innovation.problem.strip():
        missing.append(_("the problem addressed"))
    if not innovation.themes.exists():
        missing.append(_("at least one theme"))
    if not innovation.components.filter(kind=Component.Kind.CORE).exists():
        missing.append(_("at least one core component"))
    return missing


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
