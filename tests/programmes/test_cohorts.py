"""Cohorts ("promotions"): sites of a programme going through it together."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import Cohort
from programmes.services import adopters as services

from ..factories import AdopterSiteFactory, ScalingProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(programme, alice):
    return services.create_cohort(programme, name="Promotion 2024", by=alice)


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("fanny", 200), ("admin", 200),
    ("bob", 404), ("carol", 404), ("camille", 404), ("paul", 404), ("oscar", 404),
])
def test_cohorts_are_read_with_their_programme(client, pipeline_cast, programme, cohort, name,
                                               expected):
    client.force_login(pipeline_cast[name])
    assert client.get(reverse("programmes:cohort_list", args=[programme.pk])).status_code \
        == expected
    assert client.get(reverse("programmes:cohort_detail", args=[cohort.pk])).status_code \
        == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("fanny", 403), ("bob", 404), ("oscar", 404),
])
def test_only_staff_open_cohorts_and_add_sites(client, pipeline_cast, programme, cohort,
                                               bob_site, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:cohort_list", args=[programme.pk]),
                           {"name": "Promotion 2025", "starts_on": "2025-01-06"})
    assert response.status_code == expected
    assert Cohort.objects.filter(name="Promotion 2025").exists() == (expected == 302)
    response = client.post(reverse("programmes:cohort_detail", args=[cohort.pk]),
                           {"action": "add", "sites": [bob_site.pk]})
    assert response.status_code == expected
    assert cohort.sites.filter(pk=bob_site.pk).exists() == (expected == 302)


def test_staff_add_and_remove_sites(client, alice, cohort, bob_site, carol_site):
    client.force_login(alice)
    url = reverse("programmes:cohort_detail", args=[cohort.pk])
    client.post(url, {"action": "add", "sites": [bob_site.pk, carol_site.pk]})
    assert set(cohort.sites.all()) == {bob_site, carol_site}
    response = client.get(url)
    assert set(response.context["page"].object_list) == {bob_site, carol_site}
    assert not response.context["has_available"]
    client.post(url, {"action": "remove", "site": bob_site.pk})
    assert list(cohort.sites.all()) == [carol_site]


def test_a_site_is_in_one_cohort_of_a_programme(programme, cohort, bob_site, alice):
    services.add_sites_to_cohort(cohort, [bob_site], by=alice)
    other = services.create_cohort(programme, name="Promotion 2025", by=alice)
    with pytest.raises(ValidationError) as error:
        services.add_sites_to_cohort(other, [bob_site], by=alice)
    assert error.value.error_dict["sites"][0].code == "site_in_another_cohort"


def test_sites_of_another_programme_are_refused(cohort, alice):
    stranger = AdopterSiteFactory(project=ScalingProjectFactory())
    with pytest.raises(ValidationError) as error:
        services.add_sites_to_cohort(cohort, [stranger], by=alice)
    assert error.value.error_dict["sites"][0].code == "site_not_in_programme"
    assert not Cohort.objects.get(pk=cohort.pk).sites.exists()


def test_the_form_only_offers_the_programmes_free_sites(client, alice, cohort, bob_site):
    stranger = AdopterSiteFactory(project=ScalingProjectFactory())
    client.force_login(alice)
    url = reverse("programmes:cohort_detail", args=[cohort.pk])
    response = client.post(url, {"action": "add", "sites": [stranger.pk]})
    assert response.status_code == 400
    assert not cohort.sites.exists()
    offered = list(response.context["sites_form"].fields["sites"].queryset)
    assert offered == [bob_site]


def test_a_cohort_ends_after_it_starts(programme, alice):
    from datetime import date

    with pytest.raises(ValidationError) as error:
        services.create_cohort(programme, name="A", starts_on=date(2025, 6, 1),
                               ends_on=date(2025, 1, 1), by=alice)
    assert error.value.error_dict["ends_on"][0].code == "cohort_ends_before_start"
