"""The bench funders: three funder structures take options on the big project's pooled grant;
the lead one also funds the whole programme, and its person (FUNDER_EMAIL) reads the funders'
dashboard over the whole bench programme (500 projects, about a million values). Two
indicators of every reporting project count people reached (a cumulative one and an average
one), so that the headline reads their values."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from communities.models import Membership, Structure, User
from evaluations.models import Indicator
from programmes.models import AdopterSite, FundingOption, FundingPool, OptionSite, Payment

from .directory import BENCH_DOMAIN, BENCH_PASSWORD, BenchData

FUNDER_EMAIL = f"financeur@{BENCH_DOMAIN}"
FUNDERS = ["Délégation de mesure à l'emploi", "Région de mesure", "Fondation de mesure"]
PEOPLE_REACHED_CODES = ["IND-01", "IND-04"]
SHARED_SITES = 200
PAID_SITES = 100


def create_funder_portfolio(data: BenchData, programme, big_project) -> User:
    """Funders with options covering the big project (shares on its first sites, payments),
    the lead funding the programme; returns the lead funder's person."""
    rng = data.rng
    bench_user = programme.staff.order_by("pk").first()
    funders = Structure.objects.bulk_create(
        [Structure(name=name, kind=Structure.Kind.FUNDER, created_by=bench_user,
                   department=rng.choice(data.departments)) for name in FUNDERS])
    person = User.objects.create(email=FUNDER_EMAIL, password=make_password(BENCH_PASSWORD),
                                 first_name="Fanny", last_name="Mesure")
    Membership.objects.create(user=person, structure=funders[0])
    programme.funders.add(funders[0])

    pool, _ = FundingPool.objects.get_or_create(project=big_project)
    lead, second, third = FundingOption.objects.bulk_create([
        FundingOption(pool=pool, funder=funders[0], amount=Decimal("2000000"), is_lead=True,
                      status=FundingOption.Status.CONFIRMED,
                      optioned_on=date(2022, 1, 5), confirmed_on=date(2022, 3, 1)),
        FundingOption(pool=pool, funder=funders[1], amount=Decimal("800000"),
                      status=FundingOption.Status.CONFIRMED,
                      optioned_on=date(2022, 1, 5), confirmed_on=date(2022, 9, 1)),
        FundingOption(pool=pool, funder=funders[2], amount=Decimal("500000"),
                      optioned_on=date(2023, 2, 1))])
    sites = list(AdopterSite.objects.filter(project=big_project).exclude(
        status=AdopterSite.Status.WITHDRAWN).order_by("pk")[:SHARED_SITES])
    OptionSite.objects.bulk_create(
        [OptionSite(option=option, site=site, amount=Decimal(amount))
         for site in sites for option, amount in [(lead, "10000"), (second, "4000")]])
    Payment.objects.bulk_create(
        [Payment(option=lead, site=site, amount=Decimal("5000"),
                 paid_on=date(2022 + n % 3, 6, 30), reference=f"MESURE-{n}")
         for n, site in enumerate(sites[:PAID_SITES], start=1)])
    Indicator.objects.filter(project__programme=programme,
                             code__in=PEOPLE_REACHED_CODES).update(counts_people_reached=True)
    return person
