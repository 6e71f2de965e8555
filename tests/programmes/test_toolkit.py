"""The adopters' toolkit: bank resources handed over at a version, acknowledged per site."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import AdopterSite, ToolkitAcknowledgement, ToolkitItem
from programmes.services import training as services

from ..factories import AdopterSiteFactory, MembershipFactory, ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(project):
    return ResourceFactory(title="Guide de l'accueil TAPAJ", innovation=project.innovation,
                           version="1.0")


@pytest.fixture
def item(project, resource, alice):
    return services.add_toolkit_item(project, resource=resource, by=alice)


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("fanny", 200), ("camille", 200), ("paul", 200), ("bob", 200),
    ("carol", 200), ("admin", 200), ("remi", 404), ("oscar", 404),
])
def test_the_toolkit_is_for_readers_and_the_sites_people(client, pipeline_cast, project, item,
                                                         name, expected):
    client.force_login(pipeline_cast[name])
    assert client.get(reverse("programmes:toolkit", args=[project.pk])).status_code == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("fanny", 403), ("paul", 403), ("bob", 403), ("oscar", 404),
])
def test_only_staff_fill_the_toolkit(client, pipeline_cast, project, resource, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:toolkit", args=[project.pk]),
                           {"action": "add", "resource": resource.pk, "is_required": "on"})
    assert response.status_code == expected
    assert ToolkitItem.objects.filter(resource=resource).exists() == (expected == 302)


def test_an_item_is_handed_over_at_the_resources_version(item, resource):
    assert item.version == "1.0"
    assert item.is_required


def test_a_resource_is_in_the_toolkit_once(project, resource, item, alice):
    with pytest.raises(ValidationError) as error:
        services.add_toolkit_item(project, resource=resource, by=alice)
    assert error.value.error_dict["resource"][0].code == "already_in_toolkit"


def test_invisible_resources_are_refused(project, alice):
    draft = ResourceFactory(is_published=False)
    with pytest.raises(ValidationError) as error:
        services.add_toolkit_item(project, resource=draft, by=alice)
    assert error.value.error_dict["resource"][0].code == "resource_not_visible"


@pytest.mark.parametrize(("name", "expected"), [
    ("bob", 1), ("alice", 0), ("fanny", 0), ("carol", 0),
])
def test_the_sites_people_acknowledge_for_their_site(client, pipeline_cast, item, bob_site,
                                                     carol_site, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:toolkit_acknowledge", args=[item.pk]),
                           {"site": bob_site.pk})
    assert response.status_code in (302, 403)
    assert ToolkitAcknowledgement.objects.filter(site=bob_site).count() == expected


def test_acknowledging_twice_is_refused(item, bob, bob_site):
    services.acknowledge_item(item, site=bob_site, by=bob)
    with pytest.raises(ValidationError) as error:
        services.acknowledge_item(item, site=bob_site, by=bob)
    assert error.value.code == "already_acknowledged"


def test_acknowledging_for_another_site_is_refused(item, bob, carol_site):
    with pytest.raises(ValidationError) as error:
        services.acknowledge_item(item, site=carol_site, by=bob)
    assert error.value.error_dict["site"][0].code == "not_from_a_site"


def test_a_new_version_is_acknowledged_again(client, alice, bob, project, item, resource,
                                             bob_site):
    services.acknowledge_item(item, site=bob_site, by=bob)
    with pytest.raises(ValidationError) as error:
        services.update_item_version(item, by=alice)
    assert error.value.code == "already_current"
    resource.version = "1.1"
    resource.save()
    client.force_login(alice)
    response = client.post(reverse("programmes:toolkit", args=[project.pk]),
                           {"item": item.pk, "action": "new_version"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.version == "1.1"
    client.force_login(bob)
    page = client.get(reverse("programmes:toolkit", args=[project.pk]))
    (line_item, acknowledgements), = page.context["lines"]
    assert acknowledgements == [(bob_site, None)]
    services.acknowledge_item(item, site=bob_site, by=bob)
    assert set(ToolkitAcknowledgement.objects.values_list("version", flat=True)) == {"1.0",
                                                                                     "1.1"}
    site_page = client.get(bob_site.get_absolute_url())
    assert site_page.context["toolkit"][0].acknowledged.version == "1.1"


def test_staff_see_which_sites_acknowledged(client, alice, bob, project, item, bob_site,
                                            carol_site):
    services.acknowledge_item(item, site=bob_site, by=bob)
    client.force_login(alice)
    response = client.get(reverse("programmes:toolkit", args=[project.pk]), {"item": item.pk})
    rows = {site.pk: site.acknowledged_at for site in response.context["item_page"]}
    assert rows[bob_site.pk] is not None and rows[carol_site.pk] is None
    (line_item, _acks), = response.context["lines"]
    assert line_item.acknowledged_count == 1
    assert response.context["site_count"] == 2


def test_an_acknowledged_item_stays(client, alice, bob, project, item, bob_site):
    services.acknowledge_item(item, site=bob_site, by=bob)
    with pytest.raises(ValidationError) as error:
        services.remove_toolkit_item(item, by=alice)
    assert error.value.code == "item_acknowledged"


def test_a_withdrawn_site_no_longer_acknowledges(item, bob, bob_site):
    AdopterSite.objects.filter(pk=bob_site.pk).update(status=AdopterSite.Status.WITHDRAWN)
    bob_site.refresh_from_db()
    with pytest.raises(ValidationError):
        services.acknowledge_item(item, site=bob_site, by=bob)


@pytest.mark.parametrize("name", ["alice", "bob"])
def test_toolkit_query_count_does_not_grow(client, pipeline_cast, project, bob_site, name,
                                           django_assert_max_num_queries):
    def count_for(number):
        for _ in range(number):
            item = services.add_toolkit_item(project, resource=ResourceFactory(),
                                             by=pipeline_cast["alice"])
            other = AdopterSiteFactory(project=project)
            ToolkitAcknowledgement.objects.create(item=item, site=other, version=item.version)
            ToolkitAcknowledgement.objects.create(item=item, site=bob_site, version=item.version,
                                                  acknowledged_by=MembershipFactory(
                                                      structure=bob_site.structure).user)
        client.force_login(pipeline_cast[name])
        with django_assert_max_num_queries(20) as context:
            assert client.get(reverse("programmes:toolkit", args=[project.pk])).status_code \
                == 200
        return len(context.captured_queries)

    assert count_for(3) == count_for(20)
