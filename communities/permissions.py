"""Who may see or change structures, memberships and invitations."""

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, OuterRef, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from essaimage.scoping import get_visible_or_404, require

from .models import Invitation, Membership, Space, Structure
from .models import Attachment, Post, SpaceMember, Thread


def can_manage_structure(user, structure: Structure) -> bool:
    """Managers of the structure and platform admins edit it and manage its members."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return structure.memberships.managers().filter(user=user).exists()


@dataclass(frozen=True)
class StructureAccess:
    """What one person may do with one structure."""

    membership: Membership | None
    can_manage: bool
    can_leave: bool

    @property
    def is_member(self) -> bool:
        return self.membership is not None


def structure_access(user, structure: Structure) -> StructureAccess:
    """Read a person's place in a structure once, for pages that need several answers."""
    membership = None
    if user.is_authenticated:
        membership = structure.memberships.filter(user=user).order_by().first()
    is_manager = membership is not None and membership.is_manager
    # A member may leave, except the last manager, who would leave the structure orphaned.
    can_leave = membership is not None and (
        not is_manager or structure.memberships.managers().exclude(pk=membership.pk).exists()
    )
    return StructureAccess(membership, is_manager or user.is_superuser, can_leave)


def get_structure_for_user(user, pk, *, write=False) -> Structure:
    """Return the structure if `user` may see it, or change it when `write` is set."""
    structure = get_visible_or_404(Structure.objects.with_territories(), user, pk=pk)
    if write:
        require(can_manage_structure(user, structure))
    return structure


def get_membership_for_manager(user, pk) -> Membership:
    """Return a membership that `user` may change, as a manager of its structure."""
    membership = get_visible_or_404(
        Membership.objects.select_related("user", "structure"), user, pk=pk
    )
    require(can_manage_structure(user, membership.structure))
    return membership


def get_invitation_for_manager(user, pk) -> Invitation:
    """Return an invitation that `user` manages; others get a 404."""
    return get_visible_or_404(Invitation.objects.select_related("structure"), user, pk=pk)


# --- Spaces -------------------------------------------------------------------------
# One rule for every part that lives in a space (threads, co-development, events): read
# if you take part, moderate if you are a moderator of the space or a platform admin.


def can_read_space(user, space) -> bool:
    return Space.objects.visible_to(user).filter(pk=space.pk).exists()


def can_moderate_space(user, space) -> bool:
    return Space.objects.moderated_by(user).filter(pk=space.pk).exists()


def get_space_for_user(user, pk, *, moderate=False):
    """Return the space if `user` takes part in it (404 otherwise); `moderate` requires a
    moderator (403 for a participant)."""
    space = get_visible_or_404(Space.objects.all(), user, pk=pk)
    if moderate:
        require(can_moderate_space(user, space))
    return space


# --- Events and co-development --------------------------------------------------------
# An event is read by the people of the spaces it is open to (and its organiser); its
# organiser and the moderators of those spaces manage it. A co-development session is read
# by the people of its space; its facilitator and the space's moderators run it.


def can_create_events(user) -> bool:
    """Moderators of at least one space (programme staff) and platform admins organise events."""
    return Space.objects.moderated_by(user).exists()


def can_manage_event(user, event) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or event.organiser_id == user.pk:
        return True
    return Space.objects.moderated_by(user).filter(events=event).exists()


def get_event_for_user(user, pk, *, manage=False):
    """Return the event if `user` may read it (404 otherwise); `manage` requires its organiser
    or a moderator of one of its spaces (403 for the other readers)."""
    from .models import Event

    event = get_visible_or_404(Event.objects.select_related("organiser"), user, pk=pk)
    if manage:
        require(can_manage_event(user, event))
    return event


@dataclass(frozen=True)
class CodevAccess:
    """One person's place in one co-development session."""

    is_case_holder: bool
    is_facilitator: bool
    is_consultant: bool
    can_moderate: bool

    @property
    def can_run(self) -> bool:
        return self.is_facilitator or self.can_moderate

    @property
    def is_in_session(self) -> bool:
        return self.is_case_holder or self.is_facilitator or self.is_consultant


def codev_access(user, session) -> CodevAccess:
    """Read a person's roles in a session once, for pages that need several answers."""
    return CodevAccess(
        is_case_holder=session.case_holder_id == user.pk,
        is_facilitator=session.facilitator_id == user.pk,
        is_consultant=session.consultants.filter(pk=user.pk).exists(),
        can_moderate=can_moderate_space(user, session.space),
    )


def get_codev_session_for_user(user, pk):
    """Return the session if `user` takes part in its space; a 404 otherwise."""
    from .models import CodevSession

    return get_visible_or_404(
        CodevSession.objects.select_related("space", "case_holder", "facilitator"), user, pk=pk)


# --- Threads, messages and attachments (spaces) ---------------------------------------------
# A thread is read by the people of its space; a hidden thread or message by its moderators
# only. Each object comes back with `viewer_moderates`, read in the same query.


def _viewer_moderates(user, space_path: str):
    if user.is_superuser:
        return Value(True, output_field=BooleanField())
    return Exists(SpaceMember.objects.filter(space=OuterRef(space_path), user=user,
                                             role=SpaceMember.Role.MODERATOR))


def _in_readable_space(queryset, user, space_path: str):
    readable = Space.objects.visible_to(user).values("pk")
    return (queryset.filter(**{f"{space_path}__in": readable})
            .annotate(viewer_moderates=_viewer_moderates(user, space_path)))


def get_thread_for_user(user, pk, *, moderate=False):
    """Return the thread if `user` takes part in its space (a hidden thread: if they moderate
    it), 404 otherwise; `moderate` requires a moderator (403 for a participant)."""
    threads = _in_readable_space(Thread.objects.select_related("space", "author"), user,
                                 "space")
    thread = get_object_or_404(threads, pk=pk)
    if thread.is_hidden and not thread.viewer_moderates:
        raise Http404
    if moderate:
        require(thread.viewer_moderates)
    return thread


def can_edit_post(user, post, *, moderates: bool) -> bool:
    """Moderators edit any message; authors their own, while it is shown and the thread open."""
    if moderates:
        return True
    return (post.author_id == user.pk and not post.is_hidden and not post.thread.is_locked
            and not post.thread.is_hidden)


def can_mark_helpful(user, thread, *, moderates: bool) -> bool:
    """The person who asked, or a moderator, marks the answer that helped."""
    return moderates or (user.is_authenticated and thread.author_id == user.pk)


def get_post_for_user(user, pk, *, write=False, moderate=False):
    """Return the message if `user` may read it (404 otherwise: a hidden message or thread is
    for moderators); `write` requires its author or a moderator, `moderate` a moderator."""
    posts = _in_readable_space(
        Post.objects.select_related("thread__space", "author"), user, "thread__space")
    post = get_object_or_404(posts, pk=pk)
    if (post.is_hidden or post.thread.is_hidden) and not post.viewer_moderates:
        raise Http404
    if moderate:
        require(post.viewer_moderates)
    if write:
        require(can_edit_post(user, post, moderates=post.viewer_moderates))
    return post


def get_attachment_for_user(user, pk):
    """Return the attachment if `user` may read its message; 404 otherwise."""
    attachments = _in_readable_space(Attachment.objects.select_related("post__thread"), user,
                                     "post__thread__space")
    attachment = get_object_or_404(attachments, pk=pk)
    post = attachment.post
    if (post.is_hidden or post.thread.is_hidden) and not attachment.viewer_moderates:
        raise Http404
    return attachment
