"""The pooled scaling grant of seed 004 (proposal 1): options, proof of concept, payments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Structure, Territory

from .adopters import AdopterSite
from .governance import Decision
from .pipeline import ScalingProject

POSITIVE = [MinValueValidator(Decimal("0.01"))]


class FundingPool(models.Model):
    """Several funders take an option on one project; after the proof of concept, the others
    confirm and their sites start without a new application."""

    project = models.OneToOneField(ScalingProject, models.CASCADE, related_name="funding_pool")
    pilot_site = models.ForeignKey(AdopterSite, models.SET_NULL, null=True, blank=True,
                                   related_name="piloted_pools", verbose_name=_("pilot site"))
    proof_of_concept = models.ForeignKey(
        Decision, models.SET_NULL, null=True, blank=True, related_name="funding_pools",
        verbose_name=_("proof-of-concept decision"),
        limit_choices_to={"kind": Decision.Kind.PROOF_OF_CONCEPT},
    )
    proof_of_concept_on = models.DateField(_("proof of concept established on"), null=True,
                                           blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funder pool")
        verbose_name_plural = _("funder pools")

    def __str__(self):
        return str(self.project)

    @property
    def has_proof_of_concept(self) -> bool:
        return self.proof_of_concept_id is not None


class FundingOption(models.Model):
    """A funder's conditional commitment: an amount, the sites or territories it would fund."""

    class Status(models.TextChoices):
        OPTIONED = "optioned", _("Optioned")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    pool = models.ForeignKey(FundingPool, models.CASCADE, related_name="options")
    funder = models.ForeignKey(Structure, models.PROTECT, related_name="funding_options",
                               verbose_name=_("funder"))
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2,
                                 validators=POSITIVE)
    is_lead = models.BooleanField(_("lead funder"), default=False)
    territories = models.ManyToManyField(Territory, blank=True, related_name="funding_options",
                                         verbose_name=_("territories it would fund"))
    conditions = models.TextField(_("conditions"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status,
                              default=Status.OPTIONED)
    optioned_on = models.DateField(_("optioned on"), default=timezone.localdate)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")

    history = HistoricalRecords(m2m_fields=[territories])

    class Meta:
        verbose_name = _("funding option")
        verbose_name_plural = _("funding options")
        ordering = ["pool", "-is_lead", "funder__name"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "funder"], name="option_one_per_funder"),
            models.UniqueConstraint(fields=["pool"], condition=Q(is_lead=True),
                                    name="option_one_lead_funder",
                                    violation_error_message=_(
                                        "The pool already has a lead funder.")),
            models.CheckConstraint(condition=Q(amount__gt=0), name="option_amount_positive"),
        ]

    def __str__(self):
        return f"{self.funder}: {self.amount} €"


class OptionSite(models.Model):
    """The share of an option earmarked for one site; the shares never exceed the option."""

    option = models.ForeignKey(FundingOption, models.CASCADE, related_name="site_shares")
    site = models.ForeignKey(AdopterSite, models.CASCADE, related_name="funding_shares")
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2,
                                 validators=POSITIVE)

    class Meta:
        verbose_name = _("site share of an option")
        verbose_name_plural = _("site shares of options")
        constraints = [
            models.UniqueConstraint(fields=["option", "site"], name="option_site_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="option_site_amount_positive"),
        ]

    def __str__(self):
        return f"{self.option} → {self.site}"


class Payment(models.Model):
    """Money actually paid under a confirmed option."""

    option = models.ForeignKey(FundingOption, models.PROTECT, related_name="payments")
    site = models.ForeignKey(AdopterSite, models.SET_NULL, null=True, blank=True,
                             related_name="payments", verbose_name=_("site"))
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2,
                                 validators=POSITIVE)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount} € — {self.paid_on}"
