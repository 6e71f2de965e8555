"""The knowledge bank around innovations: reusable resources, endorsements and comments."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Membership, Structure

from .records import Innovation


def resource_upload_path(resource, filename):
    return f"private/resources/{timezone.now():%Y/%m}/{filename}"


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in person reads published resources; their authors read drafts too."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member_of = Membership.objects.filter(user=user).values("structure")
        return self.filter(
            Q(is_published=True, innovation__isnull=True)
            | Q(is_published=True, innovation__status=Innovation.Status.PUBLISHED)
            | Q(structure__in=member_of)
            | Q(created_by=user)
        )


class Resource(models.Model):
    """A guide, template, training material, "fiche action" or communication support."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide or handbook")
        TEMPLATE = "template", _("Template")
        TRAINING = "training", _("Training material")
        ACTION_SHEET = "action_sheet", _("Action sheet")
        COMMUNICATION = "communication", _("Communication support")
        EVALUATION_TOOL = "evaluation_tool", _("Evaluation tool")
        OTHER = "other", _("Other")

    class Licence(models.TextChoices):
        CC_BY = "cc_by", "CC BY 4.0"
        CC_BY_SA = "cc_by_sa", "CC BY-SA 4.0"
        CC_BY_NC = "cc_by_nc", "CC BY-NC 4.0"
        ETALAB = "etalab", _("Licence Ouverte / Etalab 2.0")
        ALL_RIGHTS_RESERVED = "reserved", _("All rights reserved")

    innovation = models.ForeignKey(Innovation, models.CASCADE, null=True, blank=True,
                                   related_name="resources", verbose_name=_("innovation"))
    structure = models.ForeignKey(Structure, models.SET_NULL, null=True, blank=True,
                                  related_name="resources", verbose_name=_("published by"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GUIDE)
    file = models.FileField(_("file"), upload_to=resource_upload_path, blank=True,
                            max_length=300)
    url = models.URLField(_("link"), blank=True)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence,
                               default=Licence.CC_BY_SA)
    version = models.CharField(_("version"), max_length=20, default="1.0")
    is_published = models.BooleanField(_("published"), default=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["download_count", "search_text"])

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""),
                                   name="resource_has_file_or_link",
                                   violation_error_message=_("Give a file or a link.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("innovations:resource_detail", args=[self.pk])


class ResourceRating(models.Model):
    resource = models.ForeignKey(Resource, models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1),
                                                                      MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="rating_one_per_person"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5),
                                   name="rating_stars_range"),
        ]

    def __str__(self):
        return f"{self.resource}: {self.stars}"


class Endorsement(models.Model):
    """A peer saying "we run it too" or "we want to adopt it"; the latter is an expression of
    interest that staff follow up."""

    class Kind(models.TextChoices):
        RUN_IT = "run_it", _("We run it too")
        WANT_TO_ADOPT = "want_to_adopt", _("We want to adopt it")

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="endorsements", verbose_name=_("person"))
    structure = models.ForeignKey(Structure, models.CASCADE, null=True, blank=True,
                                  related_name="endorsements", verbose_name=_("structure"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["innovation", "user", "kind"],
                                    name="endorsement_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} — {self.innovation}"


class Comment(models.Model):
    """A peer's comment on an innovation; moderators hide rather than delete."""

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+",
                               verbose_name=_("author"))
    body = models.TextField(_("comment"), max_length=5000)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"
