"""Every change in a space: threads and their messages, attachments, mentions and replies that
notify, helpful answers to questions, and moderation (kept in history with who and why)."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from essaimage.uploads import MAX_UPLOAD_BYTES, validate_upload

from ..mentions import find_mentions, mention_key
from ..models import MESSAGE_MAX_LENGTH, Attachment, Notification, Post, Space, Thread
from ..selectors import spaces as selectors
from .notifications import notify

TITLE_MAX_LENGTH = Thread._meta.get_field("title").max_length
REASON_MAX_LENGTH = Post._meta.get_field("hidden_reason").max_length
ATTACHMENTS_MAX = 3
# simple_history keeps the reason of a change in a column of this size.
HISTORY_REASON_MAX_LENGTH = 100
EXCERPT_LENGTH = 300


def attachment_max_bytes() -> int:
    """The size limit of one attachment (10 MB unless the settings say otherwise)."""
    return getattr(settings, "COMMUNITY_ATTACHMENT_MAX_BYTES", MAX_UPLOAD_BYTES)


# --- Checks ------------------------------------------------------------------------------


def _clean_title(title: str, errors: dict) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if not title:
        errors["title"] = ValidationError(_("Give the thread a title."), code="title_empty")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = ValidationError(
            _("A title holds %(max)s characters at most (this one has %(length)s).")
            % {"max": TITLE_MAX_LENGTH, "length": len(title)}, code="title_too_long")
    return title


def _clean_body(body: str, errors: dict) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        errors["body"] = ValidationError(_("Write a message."), code="message_empty")
    elif len(body) > MESSAGE_MAX_LENGTH:
        errors["body"] = ValidationError(
            _("A message holds %(max)s characters at most (this one has %(length)s).")
            % {"max": f"{MESSAGE_MAX_LENGTH:,}".replace(",", "\u202f"), "length": len(body)},
            code="message_too_long")
    return body


def _check_files(files, errors: dict) -> list:
    files = [file for file in (files or []) if file]
    problems = []
    if len(files) > ATTACHMENTS_MAX:
        problems.append(ValidationError(
            _("Join %(max)s files at most to a message.") % {"max": ATTACHMENTS_MAX},
            code="too_many_files"))
    else:
        for file in files:
            try:
                validate_upload(file, max_bytes=attachment_max_bytes())
            except ValidationError as refusal:
                problems.extend(
                    ValidationError(f"{PurePath(file.name).name}: {message}", code=refusal.code)
                    for message in refusal.messages)
    if problems:
        errors["attachments"] = problems
    return files


def _check_reason(reason: str) -> str:
    reason = " ".join((reason or "").replace("\x00", "").split())
    if not reason:
        raise ValidationError({"reason": ValidationError(
            _("Say why it is hidden: the reason is kept in the history."),
            code="reason_required")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": ValidationError(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            code="reason_too_long")})
    return reason


def _check_space_open(space: Space) -> None:
    if space.is_archived:
        raise ValidationError(_("This space is archived: nobody writes in it any more."),
                              code="space_archived")


def _excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT_LENGTH else body[:EXCERPT_LENGTH - 1].rstrip() + "…"


def _save(instance, *, by, fields, reason=""):
    # The history keeps who moderated, and why, beside what changed.
    instance._history_user = by
    instance._change_reason = (reason or "")[:HISTORY_REASON_MAX_LENGTH] or None
    instance.save(update_fields=fields)
    return instance


# --- Mentions and notifications -----------------------------------------------------------


def _mentioned_in(post: Post, thread: Thread) -> set:
    """The people the message names with "@Prénom Nom" among those who may read it."""
    if "@" not in post.body:
        return set()
    people = list(selectors.mentionable_people(thread))
    keys = {mention_key(person.display_name) for person in people}
    named = {mention.name for mention in find_mentions(post.body, [*keys])}
    return {person for person in people if mention_key(person.display_name) in named}


def _record_mentions(post: Post, thread: Thread, *, url: str, before=frozenset()) -> set:
    """Record whom the message mentions and notify those it did not mention `before`."""
    mentioned = _mentioned_in(post, thread)
    if mentioned or before:
        post.mentions.set(mentioned)
    newly = mentioned - set(before)
    if newly:
        notify(newly, Notification.Kind.MENTION,
               title=gettext_noop("%(person)s mentioned you in “%(thread)s”"),
               params={"person": post.author.display_name if post.author else "",
                       "thread": thread.title},
               url=url, body=_excerpt(post.body), actor=post.author)
    return mentioned


def _save_attachments(post: Post, files) -> None:
    for file in files:
        Attachment.objects.create(post=post, file=file, size=file.size,
                                  name=PurePath(file.name).name[:200])


# --- Threads and replies -----------------------------------------------------------------


@transaction.atomic
def create_thread(space: Space, *, author, title: str, kind: str, body: str,
                  files=()) -> Thread:
    """Open a thread (a discussion or a question to peers) with its first message, its
    attachments and its mentions, all or nothing."""
    _check_space_open(space)
    errors = {}
    title = _clean_title(title, errors)
    if kind not in Thread.Kind.values:
        errors["kind"] = ValidationError(_("Choose a discussion or a question."),
                                         code="invalid_kind")
    body = _clean_body(body, errors)
    files = _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    thread = Thread.objects.create(space=space, kind=kind, title=title, author=author,
                                   created_at=now, last_activity_at=now)
    post = Post.objects.create(thread=thread, author=author, body=body, is_opening=True,
                               created_at=now)
    _save_attachments(post, files)
    _record_mentions(post, thread, url=selectors.post_url(post))
    return thread


@transaction.atomic
def add_reply(thread: Thread, *, author, body: str, files=()) -> Post:
    """Reply in a thread that is not locked; tell its author and the earlier posters, except
    the replier and those the reply mentions (they hear of it once, as a mention)."""
    thread = (Thread.objects.select_for_update(of=("self",)).select_related("space")
              .get(pk=thread.pk))
    _check_space_open(thread.space)
    if thread.is_locked:
        raise ValidationError(_("This thread is locked: it takes no more replies."),
                              code="thread_locked")
    errors = {}
    body = _clean_body(body, errors)
    files = _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    # A counter, not a change anyone decided: no history row for it.
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1,
                                               last_activity_at=now)
    thread.reply_count += 1
    thread.last_activity_at = now
    _save_attachments(post, files)
    url = selectors.reply_url(post, thread.reply_count)
    mentioned = _record_mentions(post, thread, url=url)
    earlier = set(thread.posts.exclude(pk=post.pk).values_list("author", flat=True))
    recipients = [person for person in selectors.readers_among(thread,
                                                                 earlier | {thread.author_id})
                  if person not in mentioned]
    notify(recipients, Notification.Kind.REPLY,
           title=gettext_noop("%(person)s replied in “%(thread)s”"),
           params={"person": author.display_name, "thread": thread.title},
           url=url, body=_excerpt(body), actor=author)
    return post


@transaction.atomic
def edit_post(post: Post, *, by, body: str, title: str | None = None) -> Post:
    """Change a message (and, for the opening one, the thread's title); the message keeps
    who changed it and when, and people newly mentioned are told."""
    post = (Post.objects.select_for_update(of=("self",))
            .select_related("thread__space", "author").get(pk=post.pk))
    thread = post.thread
    errors = {}
    body = _clean_body(body, errors)
    if title is not None and post.is_opening:
        title = _clean_title(title, errors)
    if errors:
        raise ValidationError(errors)
    before = set(post.mentions.all())
    post.body = body
    post.edited_at = timezone.now()
    post.edited_by = by
    reason = "" if by.pk == post.author_id else _("Edited by a moderator")
    _save(post, by=by, fields=["body", "edited_at", "edited_by"], reason=reason)
    if title is not None and post.is_opening and title != thread.title:
        thread.title = title
        _save(thread, by=by, fields=["title"], reason=reason)
    _record_mentions(post, thread, url=selectors.post_url(post), before=before)
    return post


# --- Questions to peers --------------------------------------------------------------------


@transaction.atomic
def mark_helpful(thread: Thread, post: Post, *, by) -> Thread:
    """Mark the reply that answered a question (replacing an earlier choice) and tell its
    author; marking the same reply again changes nothing."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.kind != Thread.Kind.QUESTION:
        raise ValidationError(_("Only a question to peers has a helpful answer."),
                              code="not_a_question")
    if post.thread_id != thread.pk:
        raise ValidationError(_("This message is not a reply in this thread."),
                              code="not_in_thread")
    if post.is_opening:
        raise ValidationError(_("The question itself cannot be its answer: choose a reply."),
                              code="opening_post")
    if post.is_hidden:
        raise ValidationError(_("A hidden message cannot be the helpful answer."),
                              code="hidden_post")
    if thread.helpful_post_id == post.pk:
        return thread
    thread.helpful_post = post
    _save(thread, by=by, fields=["helpful_post"])
    notify([post.author], Notification.Kind.HELPFUL_ANSWER,
           title=gettext_noop("%(person)s marked your answer to “%(thread)s” as helpful"),
           params={"person": by.display_name, "thread": thread.title},
           url=selectors.post_url(post), actor=by)
    return thread


# --- Moderation ------------------------------------------------------------------------------


@transaction.atomic
def hide_post(post: Post, *, by, reason: str) -> Post:
    """Hide a message from everyone but the moderators, with the reason they give; a hidden
    reply stops being the helpful answer."""
    reason = _check_reason(reason)
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.is_hidden, post.hidden_reason, post.hidden_by = True, reason, by
    _save(post, by=by, fields=["is_hidden", "hidden_reason", "hidden_by"], reason=reason)
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    if thread.helpful_post_id == post.pk:
        thread.helpful_post = None
        _save(thread, by=by, fields=["helpful_post"], reason=reason)
    return post


@transaction.atomic
def unhide_post(post: Post, *, by) -> Post:
    """Show a hidden message again (its history keeps that it was hidden, by whom, why)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.is_hidden:
        post.is_hidden, post.hidden_reason, post.hidden_by = False, "", None
        _save(post, by=by, fields=["is_hidden", "hidden_reason", "hidden_by"])
    return post


@transaction.atomic
def hide_thread(thread: Thread, *, by, reason: str) -> Thread:
    """Hide a whole thread from everyone but the moderators, with the reason they give."""
    reason = _check_reason(reason)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    thread.is_hidden, thread.hidden_reason, thread.hidden_by = True, reason, by
    return _save(thread, by=by, fields=["is_hidden", "hidden_reason", "hidden_by"],
                 reason=reason)


@transaction.atomic
def unhide_thread(thread: Thread, *, by) -> Thread:
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_hidden:
        thread.is_hidden, thread.hidden_reason, thread.hidden_by = False, "", None
        _save(thread, by=by, fields=["is_hidden", "hidden_reason", "hidden_by"])
    return thread


@transaction.atomic
def set_thread_locked(thread: Thread, *, locked: bool, by) -> Thread:
    """Lock a thread (no more replies) or open it again."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_locked != locked:
        thread.is_locked = locked
        _save(thread, by=by, fields=["is_locked"])
    return thread


@transaction.atomic
def set_thread_pinned(thread: Thread, *, pinned: bool, by) -> Thread:
    """Pin a thread at the top of its space's feed, or unpin it."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_pinned != pinned:
        thread.is_pinned = pinned
        _save(thread, by=by, fields=["is_pinned"])
    return thread
