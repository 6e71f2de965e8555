"""Adopters: candidates, the sites they become, their cohorts and their sponsors."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Membership, Space, Structure, Territory
from innovations.models import Application

from .base import Programme
from .feasibility import StrategyComponent
from .pipeline import ScalingProject


class AdopterCandidate(models.Model):
    """A structure that could adopt the innovation, from a call for expressions of interest
    or added by staff, scored by the committee before selection."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="candidates")
    structure = models.ForeignKey(Structure, models.PROTECT, related_name="adopter_candidacies",
                                  verbose_name=_("structure"))
    territory = models.ForeignKey(Territory, models.PROTECT, related_name="adopter_candidacies",
                                  verbose_name=_("territory"))
    application = models.ForeignKey(Application, models.SET_NULL, null=True, blank=True,
                                    related_name="adopter_candidacies",
                                    verbose_name=_("answer to the call for expressions of "
                                                   "interest"))
    motivation = models.TextField(_("motivation"), blank=True)
    capacity = models.TextField(_("capacity"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.CANDIDATE)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adopter candidate")
        verbose_name_plural = _("adopter candidates")
        ordering = ["project", "structure__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "structure", "territory"],
                                    name="candidate_unique"),
        ]

    def __str__(self):
        return f"{self.structure} ({self.territory})"


class CandidateScore(models.Model):
    """A committee member's score of a candidate, 1 to 5."""

    candidate = models.ForeignKey(AdopterCandidate, models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+",
                               verbose_name=_("scored by"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1),
                                                                     MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("candidate score")
        verbose_name_plural = _("candidate scores")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "scorer"], name="candidate_score_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5),
                                   name="candidate_score_range"),
        ]

    def __str__(self):
        return f"{self.candidate}: {self.score}"


class AdopterSiteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Adopters see their own structure's sites; readers of the project see all its
        sites; a sponsor sees the sites they follow."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member_of = Membership.objects.filter(user=user).values("structure")
        sponsored = Sponsor.objects.filter(Q(user=user) | Q(structure__in=member_of)).values(
            "site")
        return self.filter(
            Q(structure__in=member_of)
            | Q(project__in=ScalingProject.objects.visible_to(user))
            | Q(pk__in=sponsored)
        )


class AdopterSite(models.Model):
    """A structure running the innovation on its territory."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        SELECTED = "selected", _("Selected")
        AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
        TRAINED = "trained", _("Trained")
        LAUNCHED = "launched", _("Launched")
        AUTONOMOUS = "autonomous", _("Autonomous")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey(ScalingProject, models.PROTECT, related_name="sites",
                                verbose_name=_("scaling project"))
    structure = models.ForeignKey(Structure, models.PROTECT, related_name="adopter_sites",
                                  verbose_name=_("adopter structure"))
    territory = models.ForeignKey(Territory, models.PROTECT, related_name="adopter_sites",
                                  verbose_name=_("territory"))
    candidate = models.OneToOneField(AdopterCandidate, models.SET_NULL, null=True, blank=True,
                                     related_name="site")
    name = models.CharField(_("name of the site"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.SELECTED)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    reminders_paused = models.BooleanField(_("reminders paused"), default=False)
    # The identifier the site has in another tool: imports match rows on it, per project.
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = AdopterSiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("adopter site")
        verbose_name_plural = _("adopter sites")
        ordering = ["project", "structure__name", "pk"]
        indexes = [models.Index(fields=["project", "status"], name="site_project_status")]
        constraints = [
            models.UniqueConstraint(fields=["project", "external_ref"],
                                    condition=~Q(external_ref=""),
                                    name="site_unique_external_ref"),
        ]

    def __str__(self):
        return self.name or f"{self.structure} — {self.territory}"

    def get_absolute_url(self):
        return reverse("programmes:site_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status not in (self.Status.CANDIDATE, self.Status.WITHDRAWN)


class SiteAdaptation(models.Model):
    """How one site adapts one adaptable component to its context."""

    site = models.ForeignKey(AdopterSite, models.CASCADE, related_name="adaptations")
    component = models.ForeignKey(StrategyComponent, models.CASCADE, related_name="adaptations",
                                  verbose_name=_("adaptable component"))
    description = models.TextField(_("local adaptation"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("local adaptation")
        verbose_name_plural = _("local adaptations")
        constraints = [
            models.UniqueConstraint(fields=["site", "component"], name="adaptation_unique"),
        ]

    def __str__(self):
        return f"{self.site}: {self.component}"


class Cohort(models.Model):
    """A "promotion": adopter sites that go through the programme together."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    sites = models.ManyToManyField(AdopterSite, blank=True, related_name="cohorts",
                                   verbose_name=_("sites"))
    # The cohort's community space; its structures follow the cohort's sites.
    space = models.OneToOneField(Space, models.SET_NULL, null=True, blank=True,
                                 related_name="cohort", verbose_name=_("community space"))

    history = HistoricalRecords(m2m_fields=[sites])

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["programme", "-starts_on", "name"]

    def __str__(self):
        return self.name


class Sponsor(models.Model):
    """A "parrain": a person or structure that follows and advises a project or a site."""

    project = models.ForeignKey(ScalingProject, models.CASCADE, related_name="sponsors")
    site = models.ForeignKey(AdopterSite, models.CASCADE, null=True, blank=True,
                             related_name="sponsors", verbose_name=_("site followed"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="sponsorships", verbose_name=_("person"))
    structure = models.ForeignKey(Structure, models.SET_NULL, null=True, blank=True,
                                  related_name="sponsorships", verbose_name=_("structure"))
    role = models.CharField(_("role"), max_length=200, blank=True,
                            help_text=_("For example: public agent, sponsoring group."))
    since = models.DateField(_("since"), default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(structure__isnull=False),
                                   name="sponsor_is_someone",
                                   violation_error_message=_(
                                       "A sponsor is a person or a structure.")),
        ]

    def __str__(self):
        return str(self.user or self.structure)


class SponsorNote(models.Model):
    sponsor = models.ForeignKey(Sponsor, models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                               related_name="+")
    text = models.TextField(_("note"), max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sponsor's note")
        verbose_name_plural = _("sponsors' notes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]
