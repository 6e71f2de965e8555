"""The pooled scaling grant's services: options, proof of concept, confirmations and payments,
with bad inputs refused by code, and totals checked against sums done by hand."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes.models import AdopterSite, Decision, FundingOption, OptionSite, Payment
from programmes.queries import funding as queries
from programmes.services import funding as services
from programmes.services.funding import Share

from ..factories import AdopterSiteFactory, FundingOptionFactory, MeetingFactory, StructureFactory
from .test_governance_services import codes, refused
from .test_governance_support import (  # noqa: F401  (fixtures)
    isere_option,
    lead_option,
    past_meeting,
    pool,
    proof_decision,
    second_funder,
    technical_committee,
)

pytestmark = pytest.mark.django_db

D = Decimal


def option_fields(funder, amount, **kwargs):
    return {"funder": funder, "amount": amount, **kwargs}


def record_proof(pool, alice, decision):
    return services.record_proof_of_concept(pool, by=alice, decision=decision)


# --- Options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "code"), [
    (D("-100"), "amount_not_positive"),
    (D("0"), "amount_not_positive"),
    (D("0.001"), "amount_invalid"),
    (D("1e12"), "amount_invalid"),
    (D("NaN"), "amount_invalid"),
    ("douze mille", "amount_invalid"),
    (None, "amount_invalid"),
    (12.5, "amount_invalid"),
])
def test_option_amounts_must_be_euros_above_zero(pool, alice, second_funder, amount, code):
    assert refused(services.save_option, pool, by=alice,
                   **option_fields(second_funder, amount)) == {code}
    assert not FundingOption.objects.exists()


def test_an_option_with_its_shares(pool, alice, second_funder, bob_site, carol_site, project):
    option = services.save_option(pool, by=alice, funder=second_funder, amount=D("30000"),
                                  conditions="  Sous réserve du vote  ",
                                  shares=[Share(bob_site, D("10000")),
                                          Share(carol_site, D("20000"))])
    assert option.status == FundingOption.Status.OPTIONED
    assert option.conditions == "Sous réserve du vote"
    assert option.created_by == alice
    assert dict(option.site_shares.values_list("site", "amount")) == {
        bob_site.pk: D("10000"), carol_site.pk: D("20000")}


def test_shares_never_exceed_the_option(pool, alice, second_funder, bob_site, carol_site):
    assert refused(services.save_option, pool, by=alice, funder=second_funder,
                   amount=D("30000"), shares=[Share(bob_site, D("20000")),
                                              Share(carol_site, D("10000.01"))]
                   ) == {"shares_exceed_option"}
    assert not OptionSite.objects.exists()


def test_shares_are_positive_sites_of_the_project_once_each(pool, alice, second_funder,
                                                            bob_site):
    elsewhere = AdopterSiteFactory()
    assert refused(services.save_option, pool, by=alice, funder=second_funder,
                   amount=D("100"), shares=[Share(bob_site, D("-1"))]) == {"amount_not_positive"}
    assert refused(services.save_option, pool, by=alice, funder=second_funder,
                   amount=D("100"), shares=[Share(elsewhere, D("1"))]) == {"site_not_in_project"}
    assert refused(services.save_option, pool, by=alice, funder=second_funder, amount=D("100"),
                   shares=[Share(bob_site, D("1")), Share(bob_site, D("2"))]
                   ) == {"duplicate_site"}


def test_a_pool_has_one_lead_funder(lead_option, alice, second_funder, isere_option):
    assert refused(services.save_option, lead_option.pool, by=alice, funder=second_funder,
                   amount=D("30000"), is_lead=True, option=isere_option) == {"second_lead"}
    isere_option.refresh_from_db()
    assert not isere_option.is_lead


def test_a_funder_has_one_option_per_pool(lead_option, alice, funder_structure):
    assert refused(services.save_option, lead_option.pool, by=alice, funder=funder_structure,
                   amount=D("1000")) == {"funder_already_in_pool"}


def test_a_lead_that_withdraws_leaves_the_lead_to_another(lead_option, isere_option, alice,
                                                          second_funder):
    services.withdraw_option(lead_option, by=alice, reason="Budget non voté")
    services.save_option(lead_option.pool, by=alice, funder=second_funder, amount=D("30000"),
                         is_lead=True, option=isere_option)
    isere_option.refresh_from_db()
    assert isere_option.is_lead
    assert lead_option.history.first().history_change_reason == "Budget non voté"


def test_withdrawn_options_are_not_edited(isere_option, alice, second_funder):
    services.withdraw_option(isere_option, by=alice)
    assert refused(services.save_option, isere_option.pool, by=alice, funder=second_funder,
                   amount=D("10"), option=isere_option) == {"option_withdrawn"}


# --- Proof of concept and confirmations --------------------------------------------------------


def test_before_the_proof_of_concept_only_the_lead_confirms(lead_option, isere_option, alice,
                                                            bob_site, carol_site):
    assert refused(services.confirm_option, isere_option, by=alice) == {"before_proof_of_concept"}
    started = services.confirm_option(lead_option, by=alice)
    assert started == [bob_site]
    bob_site.refresh_from_db()
    carol_site.refresh_from_db()
    assert bob_site.status == AdopterSite.Status.AGREEMENT_SIGNED
    assert carol_site.status == AdopterSite.Status.SELECTED
    change = bob_site.history.first()
    assert change.history_user == alice
    assert change.history_change_reason


def test_after_the_proof_of_concept_the_others_confirm_and_their_sites_start(
        lead_option, isere_option, alice, proof_decision, carol_site):
    pool = lead_option.pool
    record_proof(pool, alice, proof_decision)
    pool.refresh_from_db()
    assert pool.proof_of_concept == proof_decision
    assert pool.proof_of_concept_on == timezone.localdate(proof_decision.meeting.starts_at)
    assert services.confirm_option(isere_option, by=alice) == [carol_site]
    carol_site.refresh_from_db()
    assert carol_site.status == AdopterSite.Status.AGREEMENT_SIGNED
    isere_option.refresh_from_db()
    assert (isere_option.status, isere_option.confirmed_on) == ("confirmed",
                                                               timezone.localdate())


def test_sites_further_on_are_not_moved_back(lead_option, alice, bob_site):
    bob_site.status = AdopterSite.Status.TRAINED
    bob_site.save()
    assert services.confirm_option(lead_option, by=alice) == []
    bob_site.refresh_from_db()
    assert bob_site.status == AdopterSite.Status.TRAINED


def test_confirming_twice_or_a_withdrawn_option_is_refused(lead_option, isere_option, alice,
                                                           proof_decision):
    services.confirm_option(lead_option, by=alice)
    assert refused(services.confirm_option, lead_option, by=alice) == {"already_confirmed"}
    record_proof(lead_option.pool, alice, proof_decision)
    services.withdraw_option(isere_option, by=alice)
    assert refused(services.confirm_option, isere_option, by=alice) == {"option_withdrawn"}
    assert refused(services.withdraw_option, isere_option, by=alice) == {"already_withdrawn"}
    assert refused(services.withdraw_option, lead_option, by=alice) == {"already_confirmed"}


def test_the_proof_of_concept_needs_a_pilot_site(pool, alice, proof_decision):
    assert refused(record_proof, pool, alice, proof_decision) == {"no_pilot_site"}


def test_the_proof_of_concept_is_a_decision_of_this_project_of_that_kind(
        lead_option, alice, past_meeting, proof_decision):
    general = Decision.objects.create(meeting=past_meeting, text="Autre chose")
    assert refused(record_proof, lead_option.pool, alice, general) == {"not_proof_of_concept"}
    start = timezone.now() - timedelta(days=3)
    other = Decision.objects.create(
        meeting=MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=1)),
        kind=Decision.Kind.PROOF_OF_CONCEPT, text="Ailleurs")
    assert refused(record_proof, lead_option.pool, alice, other) == {"not_proof_of_concept"}


def test_the_proof_of_concept_date_is_neither_future_nor_before_the_meeting(lead_option, alice,
                                                                           proof_decision):
    pool = lead_option.pool
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert refused(services.record_proof_of_concept, pool, by=alice, decision=proof_decision,
                   decided_on=tomorrow) == {"date_in_future"}
    assert refused(services.record_proof_of_concept, pool, by=alice, decision=proof_decision,
                   decided_on=date(2000, 1, 1)) == {"before_meeting"}
    record_proof(pool, alice, proof_decision)
    assert refused(record_proof, pool, alice, proof_decision) == {"proof_of_concept_recorded"}


def test_the_pilot_site_is_a_selected_site_of_the_project(pool, alice, bob_site,
                                                          proof_decision):
    elsewhere = AdopterSiteFactory()
    assert refused(services.set_pilot_site, pool, elsewhere, by=alice) == {"site_not_in_project"}
    bob_site.status = AdopterSite.Status.WITHDRAWN
    bob_site.save()
    assert refused(services.set_pilot_site, pool, bob_site, by=alice) == {"site_not_active"}


def test_the_pilot_site_stays_after_the_proof_of_concept(lead_option, alice, proof_decision,
                                                         carol_site):
    record_proof(lead_option.pool, alice, proof_decision)
    assert refused(services.set_pilot_site, lead_option.pool, carol_site,
                   by=alice) == {"after_proof_of_concept"}


# --- Payments ----------------------------------------------------------------------------------


def pay(option, alice, amount, site=None, paid_on=None):
    return services.record_payment(option, by=alice, amount=D(amount), site=site,
                                   paid_on=paid_on or timezone.localdate())


def test_payments_are_under_confirmed_options_only(lead_option, alice):
    with pytest.raises(ValidationError) as caught:
        pay(lead_option, alice, "100")
    assert codes(caught.value) == {"option_not_confirmed"}


def test_payments_never_exceed_the_option(lead_option, alice):
    services.confirm_option(lead_option, by=alice)
    pay(lead_option, alice, "59999.99")
    assert refused(pay, lead_option, alice, "0.02") == {"payment_exceeds_option"}
    pay(lead_option, alice, "0.01")
    assert refused(pay, lead_option, alice, "0.01") == {"payment_exceeds_option"}
    assert Payment.objects.count() == 2


def test_a_site_is_never_paid_beyond_its_share(lead_option, alice, bob_site, carol_site):
    services.confirm_option(lead_option, by=alice)
    pay(lead_option, alice, "30000", site=bob_site)
    assert refused(pay, lead_option, alice, "10000.01", site=bob_site) == {"payment_exceeds_share"}
    assert refused(pay, lead_option, alice, "1", site=carol_site) == {"site_not_in_option"}


@pytest.mark.parametrize("amount", ["-5", "0"])
def test_payments_are_positive(lead_option, alice, amount):
    services.confirm_option(lead_option, by=alice)
    assert refused(pay, lead_option, alice, amount) == {"amount_not_positive"}


def test_payments_are_recorded_once_made(lead_option, alice):
    services.confirm_option(lead_option, by=alice)
    assert refused(pay, lead_option, alice, "10",
                   paid_on=timezone.localdate() + timedelta(days=1)) == {"date_in_future"}


def test_an_option_cannot_shrink_below_what_was_paid(lead_option, alice, bob_site,
                                                     funder_structure):
    services.confirm_option(lead_option, by=alice)
    pay(lead_option, alice, "35000", site=bob_site)
    assert refused(services.save_option, lead_option.pool, by=alice, option=lead_option,
                   funder=funder_structure, amount=D("34000"), is_lead=True,
                   shares=[Share(bob_site, D("30000"))]) == {"amount_below_paid"}
    assert refused(services.save_option, lead_option.pool, by=alice, option=lead_option,
                   funder=funder_structure, amount=D("60000"), is_lead=True,
                   shares=[Share(bob_site, D("30000"))]) == {"share_below_paid"}
    assert refused(services.save_option, lead_option.pool, by=alice, option=lead_option,
                   funder=funder_structure, amount=D("60000"), is_lead=True,
                   shares=[]) == {"share_below_paid"}


def test_a_share_added_to_a_confirmed_option_starts_its_site(lead_option, alice, bob_site,
                                                             carol_site, funder_structure):
    services.confirm_option(lead_option, by=alice)
    services.save_option(lead_option.pool, by=alice, option=lead_option, funder=funder_structure,
                         amount=D("60000"), is_lead=True,
                         shares=[Share(bob_site, D("40000")), Share(carol_site, D("20000"))])
    carol_site.refresh_from_db()
    assert carol_site.status == AdopterSite.Status.AGREEMENT_SIGNED


# --- Totals ------------------------------------------------------------------------------------


@pytest.fixture
def funded_pool(lead_option, isere_option, alice, proof_decision, bob_site, carol_site):
    """Four funders: the lead confirmed (60 000, 40 000 for bob), the Isère confirmed
    (30 000, 25 000 for carol), a third still optioned (10 000 for bob), a fourth withdrawn
    (5 000 for carol); 20 000 paid by the lead (15 000 to bob) and 10 000 by the Isère."""
    pool = lead_option.pool
    third = FundingOptionFactory(pool=pool, funder=StructureFactory(name="Caisse des dépôts"),
                                 amount=D("10000"))
    OptionSite.objects.create(option=third, site=bob_site, amount=D("10000"))
    fourth = FundingOptionFactory(pool=pool, funder=StructureFactory(name="Fondation Z"),
                                  amount=D("5000"))
    OptionSite.objects.create(option=fourth, site=carol_site, amount=D("5000"))
    services.withdraw_option(fourth, by=alice)
    services.confirm_option(lead_option, by=alice)
    record_proof(pool, alice, proof_decision)
    services.confirm_option(isere_option, by=alice)
    pay(lead_option, alice, "15000", site=bob_site)
    pay(lead_option, alice, "5000")
    pay(isere_option, alice, "10000", site=carol_site)
    pool.refresh_from_db()
    return pool


def figures(amounts):
    return (amounts.optioned, amounts.confirmed, amounts.paid, amounts.remaining)


def test_totals_of_the_pool(funded_pool):
    totals = queries.pool_totals(funded_pool)
    assert figures(totals.total) == (D("100000"), D("90000"), D("30000"), D("60000"))
    assert figures(totals.to_sites) == (D("75000"), D("65000"), D("25000"), D("40000"))
    assert figures(totals.unallocated) == (D("25000"), D("25000"), D("5000"), D("20000"))


def test_totals_by_site_add_up_with_what_is_not_allocated(funded_pool, bob_site, carol_site):
    sites = {site.pk: site.amounts for site in queries.site_amounts(funded_pool)}
    assert figures(sites[bob_site.pk]) == (D("50000"), D("40000"), D("15000"), D("25000"))
    assert figures(sites[carol_site.pk]) == (D("25000"), D("25000"), D("10000"), D("15000"))
    totals = queries.pool_totals(funded_pool)
    assert sum(s.optioned for s in sites.values()) + totals.unallocated.optioned == D("100000")
    assert sum(s.paid for s in sites.values()) + totals.unallocated.paid == D("30000")


def test_totals_by_funder(funded_pool):
    by_funder = {o.funder.name: (figures(o.amounts), o.unallocated)
                 for o in queries.pool_options(funded_pool)}
    assert by_funder == {
        "Fondation pour l'essaimage": ((D("60000"), D("60000"), D("20000"), D("40000")),
                                       D("20000")),
        "Département de l'Isère": ((D("30000"), D("30000"), D("10000"), D("20000")), D("5000")),
        "Caisse des dépôts": ((D("10000"), D("0"), D("0"), D("0")), D("0")),
        "Fondation Z": ((D("0"), D("0"), D("0"), D("0")), D("0")),
    }
    assert sum(o.amounts.optioned for o in queries.pool_options(funded_pool)) == D("100000")


def test_an_empty_pool_counts_zero(pool):
    totals = queries.pool_totals(pool)
    assert figures(totals.total) == (0, 0, 0, 0)
    assert queries.site_amounts(pool) == []


def test_the_pilot_site_is_listed_even_without_money(pool, alice, bob_site):
    pool = services.set_pilot_site(pool, bob_site, by=alice)
    assert [site.pk for site in queries.site_amounts(pool)] == [bob_site.pk]
