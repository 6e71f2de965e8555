"""Reads for spaces: the list of a person's spaces, a space's feed of threads with its filters
and search, a thread's page of messages, and who takes part.

Every page runs the same number of queries whatever the number of threads or messages.
"""

import math
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, F, Func, Max, Q, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Membership, Post, Space, SpaceMember, Thread, User

SPACES_PAGE_SIZE = 20
FEED_PAGE_SIZE = 20
REPLIES_PAGE_SIZE = 50
MEMBERS_PAGE_SIZE = 50
# The people listed under the reply form, to know whom one may mention.
MENTIONABLE_SHOWN = 500
# Created on PostgreSQL by innovations' 0002 migration and again by communities' 0004, which
# indexes threads' titles and messages' bodies with it.
SEARCH_CONFIG = "french_unaccent"
SEARCH_WORDS_MAX = 10


# --- A person's spaces ------------------------------------------------------------------


def spaces_of(user):
    """The spaces a person takes part in, with their number of threads and last activity,
    the most recently active first."""
    return (
        Space.objects.visible_to(user)
        .annotate(thread_count=Count("threads", filter=Q(threads__is_hidden=False)),
                  last_activity_at=Max("threads__last_activity_at",
                                       filter=Q(threads__is_hidden=False)))
        .order_by(F("last_activity_at").desc(nulls_last=True), "name", "pk")
    )


# --- A space's feed ----------------------------------------------------------------------


class FeedKind:
    DISCUSSIONS = "discussions"
    QUESTIONS = "questions"
    ANSWERED = "answered"
    UNANSWERED = "unanswered"

    CHOICES = [
        ("", _("All threads")),
        (DISCUSSIONS, _("Discussions")),
        (QUESTIONS, _("Questions to peers")),
        (ANSWERED, _("Answered questions")),
        (UNANSWERED, _("Unanswered questions")),
    ]


KIND_FILTERS = {
    FeedKind.DISCUSSIONS: Q(kind=Thread.Kind.DISCUSSION),
    FeedKind.QUESTIONS: Q(kind=Thread.Kind.QUESTION),
    FeedKind.ANSWERED: Q(kind=Thread.Kind.QUESTION, helpful_post__isnull=False),
    FeedKind.UNANSWERED: Q(kind=Thread.Kind.QUESTION, helpful_post__isnull=True),
}


def thread_feed(space: Space, *, can_moderate: bool, kind: str = "", text: str = ""):
    """The space's threads, pinned first then by last activity; hidden ones for moderators
    only. `kind` is one of FeedKind; `text` searches titles and messages."""
    threads = (Thread.objects.filter(space=space).select_related("author")
               .order_by("-is_pinned", "-last_activity_at", "-pk"))
    if not can_moderate:
        threads = threads.filter(is_hidden=False)
    if kind in KIND_FILTERS:
        threads = threads.filter(KIND_FILTERS[kind])
    return search_threads(threads, text, include_hidden=can_moderate)


class ToTsVector(Func):
    """to_tsvector with the search configuration, written exactly as in the indexes of
    migration 0004 so that PostgreSQL uses them."""

    template = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def search_words(text: str) -> list[str]:
    # Only letters and digits reach the query: the syntax of tsquery never comes from a user.
    # A single letter (the "l" of "l'emploi") would match too many words as a prefix.
    words = re.findall(r"[^\W_]+", (text or "").replace("\x00", ""))
    return [word for word in words if len(word) > 1][:SEARCH_WORDS_MAX]


def search_threads(threads, text: str, *, include_hidden: bool):
    """Threads whose title or one of whose messages holds every word of `text`, whatever the
    accents, each word also matching longer ones ("recrut" finds "recrutement")."""
    words = search_words(text)
    if not words:
        return threads
    messages = Post.objects.all() if include_hidden else Post.objects.filter(is_hidden=False)
    if connections[threads.db].vendor == "postgresql":
        query = SearchQuery(" & ".join(f"{word}:*" for word in words), config=SEARCH_CONFIG,
                            search_type="raw")
        by_title = (Thread.objects.annotate(_document=ToTsVector("title"))
                    .filter(_document=query).values("pk"))
        by_message = (messages.annotate(_document=ToTsVector("body"))
                      .filter(_document=query).values("thread"))
        return threads.filter(Q(pk__in=by_title) | Q(pk__in=by_message))
    # SQLite (`make run`) has no full-text search: each word appears in the title or a message
    # (case-insensitive for unaccented letters only).
    for word in words:
        threads = threads.filter(
            Q(title__icontains=word)
            | Q(pk__in=messages.filter(body__icontains=word).values("thread")))
    return threads


def feed_page(threads, page_number) -> Page:
    return Paginator(threads, FEED_PAGE_SIZE).get_page(page_number)


# --- A thread's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadPage:
    opening: Post | None
    helpful: Post | None
    replies: Page

    @property
    def is_first(self) -> bool:
        return self.replies.number == 1

    @property
    def posts(self) -> list[Post]:
        """Every message the page shows."""
        return [post for post in (self.opening, self.helpful, *self.replies.object_list)
                if post is not None]


def reply_page_number(position: int) -> int:
    """The page of replies where the reply at `position` (1 for the first) is shown."""
    return max(1, math.ceil(position / REPLIES_PAGE_SIZE))


def thread_page(thread: Thread, page_number) -> ThreadPage:
    """The opening message, the helpful answer and one page of replies, oldest first, with
    their authors, attachments and mentions. `page_number` "last" is the newest replies."""
    shown = Post.objects.select_related("author", "edited_by", "hidden_by")
    replies = shown.filter(thread=thread, is_opening=False).order_by("created_at", "pk")
    paginator = Paginator(replies, REPLIES_PAGE_SIZE)
    if page_number == "last":
        page_number = paginator.num_pages
    page = paginator.get_page(page_number)
    first = Q(is_opening=True)
    if thread.helpful_post_id:
        first |= Q(pk=thread.helpful_post_id)
    opening, helpful = None, None
    for post in shown.filter(first, thread=thread):
        if post.is_opening:
            opening = post
        if post.pk == thread.helpful_post_id:
            helpful = post
    result = ThreadPage(opening, helpful, page)
    for post in result.posts:
        post.thread = thread  # already loaded: no query per message
    prefetch_related_objects(result.posts, "attachments", "mentions")
    return result


def post_url(post: Post) -> str:
    """The address of a message on the page of its thread where it is shown."""
    if post.is_opening:
        return f"{post.thread.get_absolute_url()}#message-{post.pk}"
    earlier = Post.objects.filter(thread=post.thread_id, is_opening=False).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
    return reply_url(post, earlier.count() + 1)


def reply_url(post: Post, position: int) -> str:
    page = reply_page_number(position)
    query = f"?page={page}" if page > 1 else ""
    return f"{post.thread.get_absolute_url()}{query}#message-{post.pk}"


# --- Who takes part ----------------------------------------------------------------------


def people_of(space: Space):
    """The active people who take part in the space: its named members and the current
    members of its structures."""
    structures = Space.structures.through.objects.filter(space=space).values("structure")
    return User.objects.filter(is_active=True).filter(
        Q(pk__in=SpaceMember.objects.filter(space=space).values("user"))
        | Q(pk__in=Membership.objects.filter(structure__in=structures).values("user")))


def moderators_of(space: Space):
    return User.objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(pk__in=SpaceMember.objects.filter(space=space, role=SpaceMember.Role.MODERATOR)
            .values("user")))


def readers_among(thread: Thread, user_ids) -> list[User]:
    """Those of `user_ids` who may read the thread now (a hidden one: its moderators)."""
    readers = moderators_of(thread.space) if thread.is_hidden else (
        people_of(thread.space) | User.objects.filter(is_active=True, is_superuser=True))
    return list(readers.filter(pk__in=[pk for pk in user_ids if pk is not None]))


def mentionable_people(thread: Thread):
    """Who a message of the thread may mention: the people of the space with a full name (of
    a hidden thread, its moderators)."""
    people = moderators_of(thread.space) if thread.is_hidden else people_of(thread.space)
    return (people.exclude(first_name="").exclude(last_name="")
            .only("pk", "first_name", "last_name", "email", "language", "is_active"))


def people_to_mention(space: Space) -> list[User]:
    """The names shown under the reply form, alphabetically."""
    return list(people_of(space).exclude(first_name="").exclude(last_name="")
                .order_by("last_name", "first_name", "pk")
                .only("pk", "first_name", "last_name")[:MENTIONABLE_SHOWN])


def structures_of(space: Space):
    return space.structures.select_related("department", "region").order_by("name", "pk")


def named_members_of(space: Space):
    return (space.memberships.select_related("user")
            .order_by("role", "user__last_name", "user__first_name", "pk"))


def space_url_for(user, space_id) -> str:
    """The address of a space for a link from another page, or "" if `user` does not take
    part in it (or there is no space)."""
    if space_id is None or not Space.objects.visible_to(user).filter(pk=space_id).exists():
        return ""
    return reverse("communities:space_detail", args=[space_id])
