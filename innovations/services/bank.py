"""Every change in the knowledge bank: endorsements, comments, resources, downloads, ratings.

Refusals are ValidationErrors with a code, so that views show them next to the right field
and tests check the reason rather than the wording.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Membership, Structure, fold

from ..models import Comment, Endorsement, Innovation, Resource, ResourceRating
from essaimage.uploads import validate_upload

RESOURCE_FIELDS = ("title", "description", "kind", "innovation", "structure", "url", "licence",
                   "version", "is_published")
COMMENT_MAX_LENGTH = Comment._meta.get_field("body").max_length


def _require_published(innovation: Innovation) -> None:
    if not innovation.is_published:
        raise ValidationError(
            _("This innovation is not published in the bank yet."), code="not_published"
        )


def _is_member(user, structure: Structure) -> bool:
    return Membership.objects.filter(user=user, structure=structure).exists()


# --- Endorsements -------------------------------------------------------------------------


@transaction.atomic
def endorse_innovation(innovation: Innovation, *, user, kind: str, structure=None,
                       comment: str = "") -> Endorsement:
    """Record that a peer runs the innovation too or wants to adopt it, once per kind."""
    _require_published(innovation)
    if kind not in Endorsement.Kind.values:
        raise ValidationError({"kind": ValidationError(_("Choose a valid kind of support."),
                                                       code="invalid_kind")})
    if Membership.objects.filter(user=user, structure_id=innovation.owner_id).exists():
        raise ValidationError(
            _("Members of %(structure)s cannot endorse their own innovation.")
            % {"structure": innovation.owner}, code="own_innovation",
        )
    if structure is not None and not _is_member(user, structure):
        raise ValidationError({"structure": ValidationError(
            _("You can only speak for a structure you belong to."), code="not_a_member")})
    duplicate = ValidationError(
        _("You already said so. Withdraw it first if you want to change it."),
        code="duplicate_endorsement",
    )
    if Endorsement.objects.filter(innovation=innovation, user=user, kind=kind).exists():
        raise duplicate
    endorsement = Endorsement(innovation=innovation, user=user, kind=kind, structure=structure,
                              comment=(comment or "").strip())
    endorsement.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # Two clicks at once: the unique constraint decides, the second one is refused.
        with transaction.atomic():
            endorsement.save()
    except IntegrityError as race:
        raise duplicate from race
    return endorsement


@transaction.atomic
def withdraw_endorsement(innovation: Innovation, *, user, kind: str) -> bool:
    """Take back one's endorsement of this kind; say whether there was one."""
    deleted, _rows = Endorsement.objects.filter(innovation=innovation, user=user,
                                                kind=kind).delete()
    return bool(deleted)


# --- Comments -----------------------------------------------------------------------------


@transaction.atomic
def add_comment(innovation: Innovation, *, author, body: str) -> Comment:
    """Publish a peer's comment under a published innovation."""
    _require_published(innovation)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ValidationError(_("Write something first."),
                                                       code="empty_comment")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError({"body": ValidationError(
            _("A comment is %(max)s characters at most.") % {"max": COMMENT_MAX_LENGTH},
            code="comment_too_long")})
    comment = Comment(innovation=innovation, author=author, body=body)
    comment.full_clean()
    comment._history_user = author
    comment.save()
    return comment


@transaction.atomic
def set_comment_hidden(comment: Comment, *, by, hidden: bool = True) -> Comment:
    """Hide a comment from readers (moderators still see it), or show it again."""
    if comment.is_hidden == hidden:
        return comment
    comment.is_hidden = hidden
    comment._history_user = by
    comment.save(update_fields=["is_hidden"])
    return comment


# --- Resources ----------------------------------------------------------------------------


def next_version(version: str) -> str:
    """The version after `version`: its last number plus one ("1.0" → "1.1", "v2" → "v3")."""
    numbers = list(re.finditer(r"\d+", version or ""))
    if not numbers:
        return f"{version}.1"[:20] if version else "1.1"
    last = numbers[-1]
    bumped = f"{version[:last.start()]}{int(last.group()) + 1}{version[last.end():]}"
    return bumped if len(bumped) <= 20 else version


def _check_source(resource, *, file, url: str) -> None:
    if file and url:
        raise ValidationError({"url": ValidationError(
            _("Give either a file or a link, not both."), code="file_and_link")})
    if not (file or url):
        raise ValidationError({"file": ValidationError(
            _("Give a file or a link."), code="file_or_link_required")})


def _check_links(resource: Resource, user) -> None:
    if user.is_superuser:
        return
    errors = {}
    if resource.structure_id and not _is_member(user, resource.structure):
        errors["structure"] = ValidationError(
            _("You can only publish for a structure you belong to."), code="not_a_member")
    if resource.innovation_id and not Innovation.objects.visible_to(user).filter(
            pk=resource.innovation_id).exists():
        errors["innovation"] = ValidationError(
            _("Choose an innovation you can see."), code="innovation_not_visible")
    if errors:
        raise ValidationError(errors)


def resource_search_text(resource: Resource) -> str:
    """The folded words the resource list searches: title, description, innovation, owner.

    The kind has its own filter; its label would freeze the saver's language in the text.
    """
    return fold(" ".join([
        resource.title, resource.description,
        resource.innovation.title if resource.innovation_id else "",
        resource.structure.name if resource.structure_id else "",
    ]))


def _save_resource(resource: Resource, *, by) -> Resource:
    resource.search_text = resource_search_text(resource)
    resource.full_clean()
    resource._history_user = by
    resource.save()
    return resource


@transaction.atomic
def create_resource(*, created_by, file=None, **fields) -> Resource:
    """Share a file or a link, standing alone or attached to an innovation."""
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValueError(f"Not a resource field: {', '.join(sorted(unknown))}")
    url = (fields.pop("url", "") or "").strip()
    _check_source(None, file=file, url=url)
    if file:
        validate_upload(file)
    resource = Resource(created_by=created_by, url=url, **fields)
    if file:
        resource.file = file
    _check_links(resource, created_by)
    return _save_resource(resource, by=created_by)


@transaction.atomic
def update_resource(resource: Resource, *, by, file=None, **fields) -> Resource:
    """Change a resource; a new file is a new version, and history keeps the previous ones."""
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValueError(f"Not a resource field: {', '.join(sorted(unknown))}")
    previous_version = resource.version
    url = (fields.pop("url", resource.url) or "").strip()
    if file:
        # The form shows the current link: left as it is, the new file replaces it.
        if url and url != resource.url:
            _check_source(resource, file=file, url=url)
        url = ""
    elif not url and not resource.file:
        _check_source(resource, file=None, url="")
    for name, value in fields.items():
        setattr(resource, name, value)
    resource.url = url
    if file:
        validate_upload(file)
        resource.file = file
        if resource.version == previous_version:
            resource.version = next_version(previous_version)
    elif url and resource.file:
        # The link replaces the file; history keeps where the file was.
        resource.file = ""
    _check_links(resource, by)
    resource.updated_at = timezone.now()
    return _save_resource(resource, by=by)


def record_download(resource: Resource) -> None:
    """Count one download or one click on the link, safely when many happen at once."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


@transaction.atomic
def rate_resource(resource: Resource, *, user, stars, comment: str = "") -> ResourceRating:
    """Rate a resource from 1 to 5 stars; rating it again replaces one's previous rating."""
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": ValidationError(_("Give from 1 to 5 stars."),
                                                        code="stars_out_of_range")})
    if not resource.is_published:
        raise ValidationError(_("This resource is not published."), code="not_published")
    if resource.created_by_id == user.pk:
        raise ValidationError(_("You cannot rate a resource you shared."), code="own_resource")
    comment = (comment or "").strip()
    rating = ResourceRating.objects.select_for_update().filter(resource=resource,
                                                                user=user).first()
    if rating is None:
        rating = ResourceRating(resource=resource, user=user)
    rating.stars = stars
    rating.comment = comment
    rating.created_at = timezone.now()
    rating.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        # Someone (the same person, in another tab) rated at the same instant: update theirs.
        ResourceRating.objects.filter(resource=resource, user=user).update(
            stars=stars, comment=comment, created_at=rating.created_at)
        rating = ResourceRating.objects.get(resource=resource, user=user)
    return rating
