"""Every change of the pooled scaling grant (seed 004, proposal 1): funders' options and their
site shares, the pilot site, the proof of concept, confirmations, withdrawals and payments.

Amounts are checked against each other under a lock on the option (or the pool), so that two
clicks at once cannot together go beyond what a single one may.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    AdopterSite,
    Decision,
    FundingOption,
    FundingPool,
    OptionSite,
    Payment,
    ScalingProject,
)
from .community import sync_site_spaces

ZERO = Decimal("0")
LARGEST_AMOUNT = Decimal("9999999999.99")  # what the columns (12 digits, 2 decimals) hold


@dataclass(frozen=True)
class Share:
    """The part of an option earmarked for one site."""

    site: AdopterSite
    amount: Decimal


def _check_amount(amount, field="amount") -> Decimal:
    if amount is None or not isinstance(amount, Decimal | int) or isinstance(amount, bool):
        raise ValidationError({field: ValidationError(_("Enter an amount in euros."),
                                                      code="amount_invalid")})
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValidationError({field: ValidationError(_("Enter an amount in euros."),
                                                      code="amount_invalid")})
    if amount <= ZERO:
        raise ValidationError({field: ValidationError(_("The amount must be above zero."),
                                                      code="amount_not_positive")})
    if amount > LARGEST_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: ValidationError(
            _("Enter an amount in euros and cents, below ten billion."),
            code="amount_invalid")})
    return amount


def _lock_pool(pool: FundingPool) -> FundingPool:
    return FundingPool.objects.select_for_update().get(pk=pool.pk)


def _lock_option(option: FundingOption) -> FundingOption:
    return (FundingOption.objects.select_for_update(of=("self",))
            .select_related("pool").get(pk=option.pk))


def _paid(option: FundingOption, site: AdopterSite | None = None) -> Decimal:
    payments = option.payments.all()
    if site is not None:
        payments = payments.filter(site=site)
    return payments.aggregate(total=Sum("amount"))["total"] or ZERO


def _save(instance, *, by, update_fields=None, reason=""):
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.save(update_fields=update_fields)
    return instance


# --- The pool ---------------------------------------------------------------------------------


def get_or_create_pool(project: ScalingProject) -> FundingPool:
    """The project's pool, opened the first time staff look at it."""
    pool, _created = FundingPool.objects.get_or_create(project=project)
    return pool


@transaction.atomic
def set_pilot_site(pool: FundingPool, site: AdopterSite | None, *, by) -> FundingPool:
    """Choose the site that tests the project first, with the lead funder; it cannot change
    once the proof of concept is recorded."""
    pool = _lock_pool(pool)
    if pool.has_proof_of_concept:
        raise ValidationError({"pilot_site": ValidationError(
            _("The proof of concept is recorded: the pilot site can no longer change."),
            code="after_proof_of_concept")})
    if site is not None:
        if site.project_id != pool.project_id:
            raise ValidationError({"pilot_site": ValidationError(
                _("Choose a site of this project."), code="site_not_in_project")})
        if site.status in (AdopterSite.Status.CANDIDATE, AdopterSite.Status.WITHDRAWN):
            raise ValidationError({"pilot_site": ValidationError(
                _("This site is not selected, or has withdrawn."), code="site_not_active")})
    pool.pilot_site = site
    return _save(pool, by=by, update_fields=["pilot_site"])


@transaction.atomic
def record_proof_of_concept(pool: FundingPool, *, by, decision: Decision,
                            decided_on: date | None = None) -> FundingPool:
    """Record that the pool's members judged the proof of concept made, by a decision of the
    steering committee; from then on every funder may confirm its option."""
    pool = _lock_pool(pool)
    if pool.has_proof_of_concept:
        raise ValidationError(_("The proof of concept is already recorded."),
                              code="proof_of_concept_recorded")
    if pool.pilot_site_id is None:
        raise ValidationError({"pilot_site": ValidationError(
            _("Choose the pilot site first: the proof of concept is made there."),
            code="no_pilot_site")})
    decision = (Decision.objects.select_related("meeting__body").filter(pk=decision.pk).first()
                if decision is not None else None)
    if (decision is None or decision.kind != Decision.Kind.PROOF_OF_CONCEPT
            or decision.meeting.body.project_id != pool.project_id):
        raise ValidationError({"decision": ValidationError(
            _("Choose a proof-of-concept decision of this project's steering committee."),
            code="not_proof_of_concept")})
    meeting_day = timezone.localdate(decision.meeting.starts_at)
    decided_on = decided_on or meeting_day
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": ValidationError(
            _("This date is in the future."), code="date_in_future")})
    if decided_on < meeting_day:
        raise ValidationError({"decided_on": ValidationError(
            _("The decision cannot come before the meeting that took it."),
            code="before_meeting")})
    pool.proof_of_concept = decision
    pool.proof_of_concept_on = decided_on
    return _save(pool, by=by, update_fields=["proof_of_concept", "proof_of_concept_on"])


# --- Options ----------------------------------------------------------------------------------


def _check_shares(pool: FundingPool, amount: Decimal, shares: list[Share]) -> None:
    seen = set()
    total = ZERO
    for share in shares:
        _check_amount(share.amount, field="shares")
        if share.site.project_id != pool.project_id:
            raise ValidationError({"shares": ValidationError(
                _("%(site)s is not a site of this project.") % {"site": share.site},
                code="site_not_in_project")})
        if share.site.pk in seen:
            raise ValidationError({"shares": ValidationError(
                _("%(site)s appears twice.") % {"site": share.site}, code="duplicate_site")})
        seen.add(share.site.pk)
        total += share.amount
    if total > amount:
        raise ValidationError({"shares": ValidationError(
            _("The sites' shares add up to %(total)s €, more than the option (%(amount)s €).")
            % {"total": total, "amount": amount}, code="shares_exceed_option")})


def _check_lead(pool: FundingPool, option: FundingOption) -> None:
    others = pool.options.filter(is_lead=True).exclude(pk=option.pk)
    if option.is_lead and others.exists():
        raise ValidationError({"is_lead": ValidationError(
            _("%(funder)s is already the lead funder: the pool has one lead only.")
            % {"funder": others.get().funder}, code="second_lead")})


def _replace_shares(option: FundingOption, shares: list[Share]) -> None:
    current = {s.site_id: s for s in option.site_shares.all()}
    wanted = {share.site.pk: share for share in shares}
    for site_id, row in current.items():
        if site_id not in wanted:
            if option.payments.filter(site_id=site_id).exists():
                raise ValidationError({"shares": ValidationError(
                    _("%(site)s has received payments under this option: its share stays.")
                    % {"site": row.site}, code="share_below_paid")})
            row.delete()
    for site_id, share in wanted.items():
        paid = _paid(option, share.site)
        if share.amount < paid:
            raise ValidationError({"shares": ValidationError(
                _("%(site)s has already received %(paid)s €: its share cannot be lower.")
                % {"site": share.site, "paid": paid}, code="share_below_paid")})
        row = current.get(site_id)
        if row is None:
            OptionSite.objects.create(option=option, site=share.site, amount=share.amount)
        elif row.amount != share.amount:
            row.amount = share.amount
            row.save(update_fields=["amount"])


@transaction.atomic
def save_option(pool: FundingPool, *, by, funder, amount, is_lead=False, territories=(),
                conditions="", shares: list[Share] = (),
                option: FundingOption | None = None) -> FundingOption:
    """Record a funder's option on the project, or change it: its amount, whether it leads
    the pool, the territories and sites it would fund and its conditions."""
    pool = _lock_pool(pool)  # one lead and one option per funder, whatever the timing
    amount = _check_amount(amount)
    shares = list(shares)
    _check_shares(pool, amount, shares)
    if option is None:
        option = FundingOption(pool=pool, created_by=by)
    else:
        option = _lock_option(option)
        if option.pool_id != pool.pk:
            raise ValidationError(_("This option belongs to another pool."), code="other_pool")
        if option.status == FundingOption.Status.WITHDRAWN:
            raise ValidationError(_("This option was withdrawn."), code="option_withdrawn")
        if option.status == FundingOption.Status.CONFIRMED and funder != option.funder:
            raise ValidationError({"funder": ValidationError(
                _("A confirmed option stays with its funder."), code="already_confirmed")})
        paid = _paid(option)
        if amount < paid:
            raise ValidationError({"amount": ValidationError(
                _("%(paid)s € have already been paid under this option.") % {"paid": paid},
                code="amount_below_paid")})
    if pool.options.filter(funder=funder).exclude(pk=option.pk).exists():
        raise ValidationError({"funder": ValidationError(
            _("This funder already has an option in the pool: change it instead."),
            code="funder_already_in_pool")})
    option.funder = funder
    option.amount = amount
    option.is_lead = bool(is_lead)
    option.conditions = (conditions or "").strip()
    _check_lead(pool, option)
    try:
        with transaction.atomic():
            _save(option, by=by)
    except IntegrityError as race:
        raise ValidationError(_("Another change of the pool came first: try again."),
                              code="conflict") from race
    option.territories.set(territories)
    _replace_shares(option, shares)
    if option.status == FundingOption.Status.CONFIRMED:
        _activate_sites(option, by=by)
    return option


def _activate_sites(option: FundingOption, *, by) -> list[AdopterSite]:
    """Sites earmarked by a confirmed option start without a new application."""
    sites = list(AdopterSite.objects.select_for_update().filter(
        funding_shares__option=option, status=AdopterSite.Status.SELECTED))
    for site in sites:
        site.status = AdopterSite.Status.AGREEMENT_SIGNED
        _save(site, by=by, update_fields=["status", "updated_at"],
              reason=_("Funding confirmed by %(funder)s") % {"funder": option.funder})
        sync_site_spaces(site)
    return sites


@transaction.atomic
def confirm_option(option: FundingOption, *, by) -> list[AdopterSite]:
    """Confirm a funder's option and start the sites it funds; return the sites started.
    Before the proof of concept, only the lead funder confirms (it funds the pilot site)."""
    option = _lock_option(option)
    if option.status == FundingOption.Status.CONFIRMED:
        raise ValidationError(_("This option is already confirmed."), code="already_confirmed")
    if option.status == FundingOption.Status.WITHDRAWN:
        raise ValidationError(_("This option was withdrawn: it can no longer be confirmed."),
                              code="option_withdrawn")
    if not option.is_lead and not option.pool.has_proof_of_concept:
        raise ValidationError(
            _("Only the lead funder confirms before the proof of concept is recorded."),
            code="before_proof_of_concept")
    option.status = FundingOption.Status.CONFIRMED
    option.confirmed_on = timezone.localdate()
    _save(option, by=by, update_fields=["status", "confirmed_on"])
    return _activate_sites(option, by=by)


@transaction.atomic
def withdraw_option(option: FundingOption, *, by, reason: str = "") -> FundingOption:
    """Record that a funder gives up its option; a lead funder that withdraws leaves the lead
    to another."""
    option = _lock_option(option)
    if option.status == FundingOption.Status.WITHDRAWN:
        raise ValidationError(_("This option is already withdrawn."), code="already_withdrawn")
    if option.status == FundingOption.Status.CONFIRMED:
        raise ValidationError(_("This option is confirmed: it can no longer be withdrawn."),
                              code="already_confirmed")
    option.status = FundingOption.Status.WITHDRAWN
    option.withdrawn_on = timezone.localdate()
    option.is_lead = False
    return _save(option, by=by, update_fields=["status", "withdrawn_on", "is_lead"],
                 reason=(reason or "").strip()[:100])


# --- Payments ---------------------------------------------------------------------------------


@transaction.atomic
def record_payment(option: FundingOption, *, by, amount, paid_on: date,
                   site: AdopterSite | None = None, reference: str = "") -> Payment:
    """Record money paid under a confirmed option, never more than the option in all, nor
    more than a site's share for that site."""
    option = _lock_option(option)
    amount = _check_amount(amount)
    if option.status != FundingOption.Status.CONFIRMED:
        raise ValidationError(_("Payments are recorded under confirmed options only."),
                              code="option_not_confirmed")
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": ValidationError(
            _("Record a payment once it is made."), code="date_in_future")})
    paid = _paid(option)
    if paid + amount > option.amount:
        raise ValidationError({"amount": ValidationError(
            _("With this payment, %(total)s € would be paid: more than the option "
              "(%(amount)s €).") % {"total": paid + amount, "amount": option.amount},
            code="payment_exceeds_option")})
    if site is not None:
        share = option.site_shares.filter(site=site).first()
        if share is None:
            raise ValidationError({"site": ValidationError(
                _("This option earmarks nothing for this site."), code="site_not_in_option")})
        site_paid = _paid(option, site)
        if site_paid + amount > share.amount:
            raise ValidationError({"amount": ValidationError(
                _("With this payment, %(total)s € would be paid to %(site)s: more than its "
                  "share (%(share)s €).")
                % {"total": site_paid + amount, "site": site, "share": share.amount},
                code="payment_exceeds_share")})
    payment = Payment(option=option, site=site, amount=amount, paid_on=paid_on,
                      reference=(reference or "").strip()[:100], recorded_by=by)
    return _save(payment, by=by)
