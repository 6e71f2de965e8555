"""Reads of the pooled scaling grant: the options with what each funder optioned, confirmed
and paid, the same per site, and the pool's totals, all summed by the database.

Nothing is counted twice: a site's figures are the sum of its shares, what options do not
earmark for a site is shown apart as "not allocated", and the two add up to the pool's totals.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ..models import AdopterSite, Decision, FundingOption, FundingPool, OptionSite, Payment

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
LIVE = (FundingOption.Status.OPTIONED, FundingOption.Status.CONFIRMED)
CONFIRMED = FundingOption.Status.CONFIRMED


@dataclass(frozen=True)
class Amounts:
    """Optioned (still standing, confirmed or not), confirmed and paid; what remains to pay on
    what is confirmed."""

    optioned: Decimal = ZERO
    confirmed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.confirmed - self.paid


def _grouped_sum(queryset, group: str, field="amount"):
    """A correlated sum, so that two sums on one row never multiply each other's rows."""
    total = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total[:1]), Value(ZERO), output_field=MONEY)


def pool_options(pool: FundingPool) -> list[FundingOption]:
    """The pool's options, lead first, each with its shares, what it earmarks and what was paid
    under it (`allocated`, `paid`) and its figures as `amounts`."""
    options = list(
        pool.options.select_related("funder")
        .annotate(
            allocated=_grouped_sum(OptionSite.objects.filter(option=OuterRef("pk")), "option"),
            paid=_grouped_sum(Payment.objects.filter(option=OuterRef("pk")), "option"),
        )
        .prefetch_related(
            Prefetch("site_shares", queryset=OptionSite.objects.select_related(
                "site__structure", "site__territory").order_by("site__structure__name", "pk")),
            "territories",
        )
    )
    for option in options:
        live = option.status in LIVE
        option.amounts = Amounts(
            optioned=option.amount if live else ZERO,
            confirmed=option.amount if option.status == CONFIRMED else ZERO,
            paid=option.paid,
        )
        option.unallocated = option.amount - option.allocated
        option.may_confirm = (option.status == FundingOption.Status.OPTIONED
                              and (option.is_lead or pool.has_proof_of_concept))
        option.may_withdraw = option.status == FundingOption.Status.OPTIONED
        option.may_pay = option.status == CONFIRMED and option.paid < option.amount
    return options


def site_amounts(pool: FundingPool) -> list[AdopterSite]:
    """The sites the pool funds (a share in a standing option, a payment, or the pilot site),
    each with its `amounts`."""
    shares = OptionSite.objects.filter(site=OuterRef("pk"), option__pool=pool)
    payments = Payment.objects.filter(site=OuterRef("pk"), option__pool=pool)
    funded = Q(pk__in=OptionSite.objects.filter(option__pool=pool).values("site")) | Q(
        pk__in=Payment.objects.filter(option__pool=pool).values("site"))
    if pool.pilot_site_id:
        funded |= Q(pk=pool.pilot_site_id)
    sites = list(
        AdopterSite.objects.filter(funded, project_id=pool.project_id)
        .select_related("structure", "territory")
        .annotate(
            optioned=_grouped_sum(shares.filter(option__status__in=LIVE), "site"),
            confirmed=_grouped_sum(shares.filter(option__status=CONFIRMED), "site"),
            paid_total=_grouped_sum(payments, "site"),
        )
        .order_by("structure__name", "pk")
    )
    for site in sites:
        site.amounts = Amounts(site.optioned, site.confirmed, site.paid_total)
    return sites


@dataclass(frozen=True)
class PoolTotals:
    total: Amounts
    to_sites: Amounts

    @property
    def unallocated(self) -> Amounts:
        """What the options do not earmark for a site (and payments made to no site)."""
        return Amounts(self.total.optioned - self.to_sites.optioned,
                       self.total.confirmed - self.to_sites.confirmed,
                       self.total.paid - self.to_sites.paid)


def pool_totals(pool: FundingPool) -> PoolTotals:
    """The pool's figures in total and the part of them earmarked for sites, in three sums."""
    options = pool.options.aggregate(
        optioned=Sum("amount", filter=Q(status__in=LIVE)),
        confirmed=Sum("amount", filter=Q(status=CONFIRMED)),
    )
    shares = OptionSite.objects.filter(option__pool=pool).aggregate(
        optioned=Sum("amount", filter=Q(option__status__in=LIVE)),
        confirmed=Sum("amount", filter=Q(option__status=CONFIRMED)),
    )
    payments = Payment.objects.filter(option__pool=pool).aggregate(
        paid=Sum("amount"), to_sites=Sum("amount", filter=Q(site__isnull=False)))
    return PoolTotals(
        total=Amounts(options["optioned"] or ZERO, options["confirmed"] or ZERO,
                      payments["paid"] or ZERO),
        to_sites=Amounts(shares["optioned"] or ZERO, shares["confirmed"] or ZERO,
                         payments["to_sites"] or ZERO),
    )


def pool_payments(pool: FundingPool, limit: int = 200) -> list[Payment]:
    """The latest payments of the pool, with their funder and site."""
    return list(Payment.objects.filter(option__pool=pool)
                .select_related("option__funder", "site__structure", "site__territory")
                .order_by("-paid_on", "-pk")[:limit])


def proof_of_concept_decisions(project) -> list[Decision]:
    """The decisions of kind proof of concept taken by the project's steering committees."""
    return list(Decision.objects.filter(meeting__body__project=project,
                                        kind=Decision.Kind.PROOF_OF_CONCEPT)
                .select_related("meeting__body").order_by("-meeting__starts_at", "-pk"))


def pilot_site_choices(project):
    """Sites that may pilot: selected or further on, not withdrawn."""
    return (AdopterSite.objects.filter(project=project)
            .exclude(status__in=[AdopterSite.Status.CANDIDATE, AdopterSite.Status.WITHDRAWN])
            .select_related("structure", "territory").order_by("structure__name", "pk"))
