"""Spaces where a community talks: a cohort's space or a programme's open space, their
threads (discussions and questions to peers), posts, attachments and mentions.

Who takes part is decided here, once: the space's explicit members (staff, sponsors...) and
every current member of the structures attached to it. Leaving a structure therefore ends
access at once, with nothing to synchronise.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Membership, Structure

MESSAGE_MAX_LENGTH = 10_000


class SpaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        structures = Membership.objects.filter(user=user).values("structure")
        joined = SpaceMember.objects.filter(user=user).values("space")
        through_structure = Space.structures.through.objects.filter(
            structure__in=structures).values("space")
        return self.filter(Q(pk__in=joined) | Q(pk__in=through_structure))

    def moderated_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user,
                           memberships__role=SpaceMember.Role.MODERATOR)


class Space(models.Model):
    """A place for a group to talk, ask, share and meet."""

    class Kind(models.TextChoices):
        COHORT = "cohort", _("Cohort space")
        PROGRAMME = "programme", _("Programme space, open to all its adopters")
        GROUP = "group", _("Working group")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GROUP)
    structures = models.ManyToManyField(
        Structure, blank=True, related_name="spaces", verbose_name=_("structures taking part"),
        help_text=_("Every current member of these structures takes part in the space."))
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SpaceQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[structures])

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communities:space_detail", args=[self.pk])


class SpaceMember(models.Model):
    """A person named in a space: staff who moderate it, sponsors, guests."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        MODERATOR = "moderator", _("Moderator")

    space = models.ForeignKey(Space, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="space_memberships", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PARTICIPANT)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("space member")
        verbose_name_plural = _("space members")
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="space_member_once")]

    def __str__(self):
        return f"{self.user} — {self.space}"


class Thread(models.Model):
    """A conversation in a space: a discussion, or a question to peers that can be answered."""

    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question to peers")

    space = models.ForeignKey(Space, models.CASCADE, related_name="threads")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DISCUSSION)
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                               related_name="threads", verbose_name=_("author"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_activity_at = models.DateTimeField(default=timezone.now)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("hidden by"))
    helpful_post = models.ForeignKey("Post", models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("helpful answer"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [
            models.Index(fields=["space", "-is_pinned", "-last_activity_at"],
                         name="thread_feed"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communities:thread_detail", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.helpful_post_id is not None


class Post(models.Model):
    """A message in a thread; the first one opens it. Written in markdown, shown sanitised."""

    thread = models.ForeignKey(Thread, models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                               related_name="posts", verbose_name=_("author"))
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    is_opening = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                  blank=True, related_name="+", editable=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("hidden by"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                      related_name="mentioned_in", verbose_name=_("mentions"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"], name="post_thread_order")]

    def __str__(self):
        return f"{self.thread} — {self.author}"

    def get_absolute_url(self):
        return f"{self.thread.get_absolute_url()}#message-{self.pk}"


def attachment_path(instance, filename):
    return f"private/communities/attachments/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    """A file joined to a message; served only to the people who may read the thread."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name
