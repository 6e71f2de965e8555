"""Who reaches the pooled grant's pages, and what staff do there."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes.models import AdopterSite, FundingOption, FundingPool, OptionSite, Payment
from programmes.services import funding as services

from ..factories import (
    AdopterSiteFactory,
    FundingOptionFactory,
    MembershipFactory,
    StructureFactory,
)
from .test_governance_support import (  # noqa: F401  (fixtures)
    isere_option,
    lead_option,
    past_meeting,
    pool,
    proof_decision,
    second_funder,
)

pytestmark = pytest.mark.django_db

# Funders read the pool; the project's other readers (committee, sponsor) do not see it.
READERS = {"alice": 200, "admin": 200, "fanny": 200, "camille": 404, "paul": 404,
           "bob": 404, "carol": 404, "remi": 404, "oscar": 404}
STAFF_ONLY = {"alice": 200, "admin": 200, "fanny": 403, "camille": 404, "paul": 404,
              "bob": 404, "carol": 404, "remi": 404, "oscar": 404}


def success(expected):
    return 302 if expected == 200 else expected


@pytest.mark.parametrize(("who", "expected"), READERS.items())
def test_the_pool_is_read_by_staff_and_funders(client, pipeline_cast, lead_option, who,
                                               expected):
    client.force_login(pipeline_cast[who])
    response = client.get(reverse("programmes:pool_detail", args=[lead_option.pool.project_id]))
    assert response.status_code == expected
    if expected == 200:
        assert [o.pk for o in response.context["options"]] == [lead_option.pk]
        assert (response.context["pilot_form"] is not None) == (who in ("alice", "admin"))


@pytest.mark.parametrize("who", ["alice", "admin", "fanny", "camille", "paul", "ines"])
def test_the_funding_tab_is_offered_only_to_who_may_open_it(client, pipeline_cast, ines, project,
                                                             who):
    client.force_login({**pipeline_cast, "ines": ines}[who])
    page = client.get(reverse("programmes:project_detail", args=[project.pk])).content.decode()
    pool_url = reverse("programmes:pool_detail", args=[project.pk])
    assert (f'href="{pool_url}"' in page) == (READERS.get(who) == 200)


def test_a_funder_of_an_option_reads_the_pool_without_funding_the_programme(
        client, isere_option, second_funder):
    person = MembershipFactory(structure=second_funder).user
    client.force_login(person)
    url = reverse("programmes:pool_detail", args=[isere_option.pool.project_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"pilot_site": ""}).status_code == 403


def test_staff_open_the_pool_on_first_visit_funders_do_not(client, alice, fanny, project):
    client.force_login(fanny)
    response = client.get(reverse("programmes:pool_detail", args=[project.pk]))
    assert response.status_code == 200
    assert response.context["pool"] is None
    assert not FundingPool.objects.exists()
    client.force_login(alice)
    response = client.get(reverse("programmes:pool_detail", args=[project.pk]))
    assert response.context["pool"] == FundingPool.objects.get(project=project)


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_options_are_recorded_by_staff(client, pipeline_cast, project, second_funder,
                                       bob_site, carol_site, who, expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:option_create", args=[project.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {
        "funder": "Département de l'Isère", "amount": "30 000,50",
        f"share_{carol_site.pk}": "25 000", f"share_{bob_site.pk}": "",
        "conditions": "Vote en commission permanente"})
    assert response.status_code == success(expected)
    options = FundingOption.objects.filter(funder=second_funder)
    assert options.exists() == (expected == 200)
    if expected == 200:
        option = options.get()
        assert option.amount == Decimal("30000.50")
        assert [(s.site, s.amount) for s in option.site_shares.all()] == [
            (carol_site, Decimal("25000"))]


@pytest.mark.parametrize(("amount", "code"), [("-5 000", "amount_not_positive"),
                                              ("0", "amount_not_positive"),
                                              ("trente mille", "invalid"),
                                              ("1,2,3", "invalid"),
                                              ("99999999999", "max_whole_digits")])
def test_bad_amounts_are_refused_next_to_the_field(client, alice, project, second_funder,
                                                   amount, code):
    client.force_login(alice)
    response = client.post(reverse("programmes:option_create", args=[project.pk]),
                           {"funder": second_funder.name, "amount": amount})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["amount"][0].code == code
    assert not FundingOption.objects.exists()


def test_shares_above_the_option_are_refused(client, alice, project, second_funder, bob_site,
                                             carol_site):
    client.force_login(alice)
    response = client.post(reverse("programmes:option_create", args=[project.pk]), {
        "funder": second_funder.name, "amount": "10000", f"share_{bob_site.pk}": "6000",
        f"share_{carol_site.pk}": "4000,01"})
    errors = response.context["form"].errors.as_data()
    assert errors["__all__"][0].code == "shares_exceed_option"
    assert not FundingOption.objects.exists()


def test_a_second_lead_is_refused(client, alice, lead_option, second_funder):
    client.force_login(alice)
    response = client.post(reverse("programmes:option_create",
                                    args=[lead_option.pool.project_id]),
                           {"funder": second_funder.name, "amount": "10000", "is_lead": "on"})
    assert response.context["form"].errors.as_data()["is_lead"][0].code == "second_lead"


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_options_are_edited_by_staff(client, pipeline_cast, isere_option, second_funder,
                                     carol_site, who, expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:option_update", args=[isere_option.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"funder": second_funder.name, "amount": "35000",
                                 f"share_{carol_site.pk}": "30000"})
    assert response.status_code == success(expected)
    isere_option.refresh_from_db()
    assert (isere_option.amount == Decimal("35000")) == (expected == 200)


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_options_are_confirmed_by_staff(client, pipeline_cast, lead_option, bob_site, who,
                                        expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("programmes:option_confirm", args=[lead_option.pk]))
    assert response.status_code == success(expected)
    lead_option.refresh_from_db()
    bob_site.refresh_from_db()
    assert (lead_option.status == "confirmed") == (expected == 200)
    assert (bob_site.status == AdopterSite.Status.AGREEMENT_SIGNED) == (expected == 200)


def test_confirming_twice_gives_a_clear_message(client, alice, lead_option):
    client.force_login(alice)
    url = reverse("programmes:option_confirm", args=[lead_option.pk])
    client.post(url, follow=True)
    response = client.post(url, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert lead_option.history.filter(status="confirmed").count() == 1


def test_other_funders_wait_for_the_proof_of_concept(client, alice, isere_option,
                                                     proof_decision, lead_option):
    client.force_login(alice)
    pool_url = reverse("programmes:pool_detail", args=[isere_option.pool.project_id])
    options = {o.pk: o for o in client.get(pool_url).context["options"]}
    assert not options[isere_option.pk].may_confirm
    assert options[lead_option.pk].may_confirm
    client.post(reverse("programmes:option_confirm", args=[isere_option.pk]))
    isere_option.refresh_from_db()
    assert isere_option.status == "optioned"

    response = client.post(reverse("programmes:proof_of_concept",
                                   args=[isere_option.pool.project_id]),
                           {"decision": proof_decision.pk})
    assert response.status_code == 302
    client.post(reverse("programmes:option_confirm", args=[isere_option.pk]))
    isere_option.refresh_from_db()
    assert isere_option.status == "confirmed"


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_the_proof_of_concept_is_recorded_by_staff(client, pipeline_cast, lead_option,
                                                   proof_decision, who, expected):
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:proof_of_concept", args=[lead_option.pool.project_id])
    assert client.get(url).status_code == expected
    response = client.post(url, {"decision": proof_decision.pk})
    assert response.status_code == success(expected)
    lead_option.pool.refresh_from_db()
    assert lead_option.pool.has_proof_of_concept == (expected == 200)


def test_the_proof_of_concept_needs_the_pilot_site(client, alice, pool, proof_decision):
    client.force_login(alice)
    response = client.post(reverse("programmes:proof_of_concept", args=[pool.project_id]),
                           {"decision": proof_decision.pk})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "no_pilot_site"


def test_staff_choose_the_pilot_site(client, alice, pool, carol_site):
    client.force_login(alice)
    response = client.post(reverse("programmes:pool_detail", args=[pool.project_id]),
                           {"pilot_site": carol_site.pk})
    assert response.status_code == 302
    pool.refresh_from_db()
    assert pool.pilot_site == carol_site


def test_a_site_of_another_project_cannot_pilot(client, alice, pool):
    client.force_login(alice)
    response = client.post(reverse("programmes:pool_detail", args=[pool.project_id]),
                           {"pilot_site": AdopterSiteFactory().pk})
    assert response.status_code == 200
    assert response.context["pilot_form"].errors.as_data()["pilot_site"][0].code == \
        "invalid_choice"


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_options_are_withdrawn_by_staff(client, pipeline_cast, isere_option, who, expected):
    client.force_login(pipeline_cast[who])
    response = client.post(reverse("programmes:option_withdraw", args=[isere_option.pk]),
                           {"reason": "Pas de crédits"})
    assert response.status_code == success(expected)
    isere_option.refresh_from_db()
    assert (isere_option.status == "withdrawn") == (expected == 200)


@pytest.mark.parametrize(("who", "expected"), STAFF_ONLY.items())
def test_payments_are_recorded_by_staff(client, pipeline_cast, lead_option, bob_site, who,
                                        expected):
    services.confirm_option(lead_option, by=pipeline_cast["alice"])
    client.force_login(pipeline_cast[who])
    url = reverse("programmes:payment_create", args=[lead_option.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"amount": "12 000", "site": bob_site.pk,
                                 "paid_on": timezone.localdate().isoformat(),
                                 "reference": "Mandat 2027-118"})
    assert response.status_code == success(expected)
    assert Payment.objects.exists() == (expected == 200)


def test_a_payment_above_the_share_is_refused_next_to_the_amount(client, alice, lead_option,
                                                                 bob_site):
    services.confirm_option(lead_option, by=alice)
    client.force_login(alice)
    response = client.post(reverse("programmes:payment_create", args=[lead_option.pk]), {
        "amount": "40000,01", "site": bob_site.pk,
        "paid_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["amount"][0].code == \
        "payment_exceeds_share"


def test_a_payment_under_an_optioned_option_is_refused(client, alice, lead_option):
    client.force_login(alice)
    response = client.post(reverse("programmes:payment_create", args=[lead_option.pk]), {
        "amount": "100", "paid_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == \
        "option_not_confirmed"


def test_options_of_another_project_are_hidden(client, alice, fanny):
    elsewhere = FundingOptionFactory()
    for user in (alice, fanny):
        client.force_login(user)
        for name in ("option_update", "payment_create"):
            assert client.get(reverse(f"programmes:{name}", args=[elsewhere.pk])
                              ).status_code == 404
        assert client.post(reverse("programmes:option_confirm", args=[elsewhere.pk])
                           ).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["alice", "fanny"])
def test_the_pool_page_does_not_grow_with_options(client, pipeline_cast, project, pool,
                                                  who, django_assert_max_num_queries):
    url = reverse("programmes:pool_detail", args=[project.pk])

    def add_options(count):
        for _number in range(count):
            site = AdopterSiteFactory(project=project, structure=StructureFactory())
            option = FundingOptionFactory(pool=pool, funder=StructureFactory(),
                                          amount=Decimal("1000"))
            OptionSite.objects.create(option=option, site=site, amount=Decimal("600"))
            option.territories.add(site.territory)
            FundingOption.objects.filter(pk=option.pk).update(status="confirmed")
            Payment.objects.create(option=option, site=site, amount=Decimal("100"),
                                   paid_on=timezone.localdate() - timedelta(days=1))

    client.force_login(pipeline_cast[who])
    add_options(5)
    small = _count(client, url)
    add_options(35)
    # session, user, project, staff check (for the pool, then for the page), pool (opened
    # if need be, then read), options, shares, territories, sites, three sums, payments; for
    # staff, the sites that may pilot and the proof-of-concept decisions; for funders, whether
    # they fund the programme
    with django_assert_max_num_queries(20):
        assert _count(client, url) == small
