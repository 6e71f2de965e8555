"""Adopter sites: who sees which, the list and its figures, the path of statuses, local
adaptations."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innovations.models import Component
from programmes.models import (
    AdopterSite,
    Cohort,
    Registration,
    ScalingStrategy,
    SiteAdaptation,
    StrategyComponent,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingSession,
)
from programmes.services import adopters as services

from ..factories import (
    AdopterSiteFactory,
    MembershipFactory,
    ResourceFactory,
    TrainingModuleFactory,
    TrainingSessionFactory,
    department,
)

pytestmark = pytest.mark.django_db
S = AdopterSite.Status


@pytest.fixture
def adaptable(project):
    strategy, _created = ScalingStrategy.objects.get_or_create(project=project)
    return StrategyComponent.objects.create(strategy=strategy, kind=Component.Kind.ADAPTABLE,
                                            title="Horaires d'accueil")


@pytest.fixture
def core(project):
    strategy, _created = ScalingStrategy.objects.get_or_create(project=project)
    return StrategyComponent.objects.create(strategy=strategy, kind=Component.Kind.CORE,
                                            title="Paiement à la journée")


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "sites"), [
    ("alice", {"bob", "carol"}), ("fanny", {"bob", "carol"}), ("paul", {"bob", "carol"}),
    ("camille", {"bob", "carol"}), ("admin", {"bob", "carol"}),
    ("bob", {"bob"}), ("carol", {"carol"}),
])
def test_the_site_list_shows_each_person_what_they_may_see(client, pipeline_cast, project,
                                                           bob_site, carol_site, name, sites):
    client.force_login(pipeline_cast[name])
    response = client.get(reverse("programmes:site_list", args=[project.pk]))
    assert response.status_code == 200
    names = {bob_site.pk: "bob", carol_site.pk: "carol"}
    assert {names[s.pk] for s in response.context["page"].object_list} == sites


@pytest.mark.parametrize("name", ["remi", "oscar"])
def test_outsiders_get_no_site_list(client, pipeline_cast, project, name):
    client.force_login(pipeline_cast[name])
    assert client.get(reverse("programmes:site_list", args=[project.pk])).status_code == 404


@pytest.mark.parametrize(("name", "bob_page", "carol_page"), [
    ("alice", 200, 200), ("fanny", 200, 200), ("paul", 200, 200), ("camille", 200, 200),
    ("admin", 200, 200), ("bob", 200, 404), ("carol", 404, 200), ("remi", 404, 404),
    ("oscar", 404, 404),
])
def test_a_site_page_is_for_its_adopters_the_project_readers_and_sponsors(
        client, pipeline_cast, bob_site, carol_site, name, bob_page, carol_page):
    client.force_login(pipeline_cast[name])
    assert client.get(bob_site.get_absolute_url()).status_code == bob_page
    assert client.get(carol_site.get_absolute_url()).status_code == carol_page


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("bob", 403), ("fanny", 403), ("paul", 403), ("camille", 403),
    ("carol", 404), ("oscar", 404),
])
def test_only_staff_change_a_sites_status(client, pipeline_cast, bob_site, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:site_update", args=[bob_site.pk]),
                           {"action": "status", "status": "agreement_signed"})
    assert response.status_code == expected
    bob_site.refresh_from_db()
    assert (bob_site.status == S.AGREEMENT_SIGNED) == (expected == 302)


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("bob", 302), ("fanny", 403), ("paul", 403), ("carol", 404),
    ("oscar", 404),
])
def test_staff_and_the_sites_people_record_its_adaptations(client, pipeline_cast, bob_site,
                                                           adaptable, name, expected):
    client.force_login(pipeline_cast[name])
    url = reverse("programmes:site_update", args=[bob_site.pk])
    assert client.get(url).status_code == (200 if expected == 302 else expected)
    response = client.post(url, {"action": "adaptation", "component": adaptable.pk,
                                 f"component-{adaptable.pk}-description": "Ouvert le samedi"})
    assert response.status_code == expected
    assert SiteAdaptation.objects.filter(site=bob_site).exists() == (expected == 302)


# --- The list --------------------------------------------------------------------------------


def test_the_list_counts_completed_modules_and_acknowledged_items(client, alice, project,
                                                                  bob, bob_site, carol_site):
    module = TrainingModuleFactory(project=project)
    other = TrainingModuleFactory(project=project)
    held = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
    held_again = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
    planned = TrainingSessionFactory(module=other)
    colleague = MembershipFactory(structure=bob_site.structure).user
    Registration.objects.create(session=held, person=bob, site=bob_site, attended=True)
    Registration.objects.create(session=held_again, person=colleague, site=bob_site,
                                attended=True)
    Registration.objects.create(session=planned, person=bob, site=bob_site)
    required = ToolkitItem.objects.create(project=project, resource=ResourceFactory(),
                                          version="2.0")
    ToolkitItem.objects.create(project=project, resource=ResourceFactory(), version="1.0")
    ToolkitAcknowledgement.objects.create(item=required, site=bob_site, version="1.0")
    ToolkitAcknowledgement.objects.create(item=required, site=carol_site, version="2.0")

    client.force_login(alice)
    response = client.get(reverse("programmes:site_list", args=[project.pk]))
    rows = {site.pk: site for site in response.context["page"].object_list}
    assert rows[bob_site.pk].modules_completed == 1
    assert rows[carol_site.pk].modules_completed == 0
    # Bob's site acknowledged an older version only.
    assert rows[bob_site.pk].toolkit_acknowledged == 0
    assert rows[carol_site.pk].toolkit_acknowledged == 1
    assert response.context["toolkit_required"] == 2


def test_the_list_filters_by_status_and_territory(client, alice, project, bob_site, carol_site):
    carol_site.status = S.LAUNCHED
    carol_site.save()
    client.force_login(alice)
    url = reverse("programmes:site_list", args=[project.pk])
    by_status = client.get(url, {"status": "launched"}).context["page"].object_list
    assert [s.pk for s in by_status] == [carol_site.pk]
    region = department("58").parent
    by_region = client.get(url, {"territory": region.pk}).context["page"].object_list
    assert [s.pk for s in by_region] == [bob_site.pk]
    unknown = client.get(url, {"territory": "999999", "status": "nope", "page": "x"})
    assert unknown.status_code == 200
    assert len(unknown.context["page"].object_list) == 2


def test_site_list_query_count_does_not_grow(client, alice, project,
                                             django_assert_max_num_queries):
    module = TrainingModuleFactory(project=project)
    session = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
    item = ToolkitItem.objects.create(project=project, resource=ResourceFactory(), version="1")
    cohort = Cohort.objects.create(programme=project.programme, name="Promotion 1")

    def count_for(number):
        for _ in range(number):
            site = AdopterSiteFactory(project=project)
            person = MembershipFactory(structure=site.structure).user
            Registration.objects.create(session=session, person=person, site=site,
                                        attended=True)
            ToolkitAcknowledgement.objects.create(item=item, site=site, version="1")
            cohort.sites.add(site)
        client.force_login(alice)
        # session, user, project, own sites, staff, territories, filter count, page count,
        # page of sites with their figures, their cohorts, status counts, toolkit, modules
        with django_assert_max_num_queries(15) as context:
            response = client.get(reverse("programmes:site_list", args=[project.pk]))
        assert response.status_code == 200
        return len(context.captured_queries)

    assert count_for(5) == count_for(35)


# --- Statuses --------------------------------------------------------------------------------


def test_a_site_walks_its_path_one_step_at_a_time(bob_site, alice):
    for status in (S.AGREEMENT_SIGNED, S.TRAINED, S.LAUNCHED, S.AUTONOMOUS):
        bob_site = services.change_site_status(bob_site, status=status, by=alice)
    assert bob_site.status == S.AUTONOMOUS
    assert bob_site.start_date is not None  # set when it launched


@pytest.mark.parametrize(("start", "target"), [
    (S.SELECTED, S.TRAINED), (S.SELECTED, S.AUTONOMOUS), (S.AGREEMENT_SIGNED, S.LAUNCHED),
    (S.LAUNCHED, S.SELECTED), (S.SELECTED, S.CANDIDATE), (S.SELECTED, S.SELECTED),
    (S.SELECTED, "unknown"),
])
def test_other_jumps_are_refused(bob_site, alice, start, target):
    AdopterSite.objects.filter(pk=bob_site.pk).update(status=start)
    bob_site.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.change_site_status(bob_site, status=target, by=alice)
    assert error.value.error_dict["status"][0].code == "invalid_site_transition"
    bob_site.refresh_from_db()
    assert bob_site.status == start


def test_going_back_a_step_needs_a_reason(bob_site, alice):
    services.change_site_status(bob_site, status=S.AGREEMENT_SIGNED, by=alice)
    with pytest.raises(ValidationError) as error:
        services.change_site_status(bob_site, status=S.SELECTED, by=alice, reason="  ")
    assert error.value.error_dict["reason"][0].code == "reason_required"
    with pytest.raises(ValidationError) as error:
        services.change_site_status(bob_site, status=S.SELECTED, by=alice, reason="x" * 101)
    assert error.value.error_dict["reason"][0].code == "reason_too_long"
    services.change_site_status(bob_site, status=S.SELECTED, by=alice,
                                reason="Convention à renégocier")
    bob_site.refresh_from_db()
    assert bob_site.status == S.SELECTED


@pytest.mark.parametrize("start", [S.SELECTED, S.TRAINED, S.AUTONOMOUS])
def test_a_site_withdraws_from_anywhere_and_may_come_back(bob_site, alice, start):
    AdopterSite.objects.filter(pk=bob_site.pk).update(status=start)
    bob_site.refresh_from_db()
    bob_site.save()  # its history knows the status it had
    services.change_site_status(bob_site, status=S.WITHDRAWN, by=alice)
    with pytest.raises(ValidationError):
        services.change_site_status(bob_site, status=S.LAUNCHED if start != S.LAUNCHED
                                    else S.TRAINED, by=alice, reason="Erreur")
    services.change_site_status(bob_site, status=start, by=alice, reason="Retrait par erreur")
    bob_site.refresh_from_db()
    assert bob_site.status == start


def test_the_page_shows_the_status_history_with_reasons(client, alice, bob_site):
    services.change_site_status(bob_site, status=S.AGREEMENT_SIGNED, by=alice)
    services.change_site_status(bob_site, status=S.SELECTED, by=alice, reason="Convention")
    client.force_login(alice)
    history = client.get(bob_site.get_absolute_url()).context["history"]
    assert [change.status for change in history] == ["selected", "agreement_signed",
                                                     "selected"]
    assert history[0].reason == "Convention"


def test_a_refused_jump_keeps_the_form_with_its_code(client, alice, bob_site):
    client.force_login(alice)
    response = client.post(reverse("programmes:site_update", args=[bob_site.pk]),
                           {"action": "status", "status": "autonomous"})
    assert response.status_code == 400
    assert response.context["status_form"].has_error("status")


# --- Adaptations -----------------------------------------------------------------------------


def test_one_adaptation_per_component(bob_site, adaptable, alice):
    services.record_adaptation(bob_site, component=adaptable, description="Samedi", by=alice)
    services.record_adaptation(bob_site, component=adaptable, description="Dimanche", by=alice)
    assert SiteAdaptation.objects.get().description == "Dimanche"
    services.record_adaptation(bob_site, component=adaptable, description="  ", by=alice)
    assert not SiteAdaptation.objects.exists()


def test_core_components_are_not_adapted(bob_site, core, alice):
    with pytest.raises(ValidationError) as error:
        services.record_adaptation(bob_site, component=core, description="Autrement", by=alice)
    assert error.value.error_dict["component"][0].code == "component_not_adaptable"


def test_the_site_page_lists_each_adaptable_component(client, bob, bob_site, adaptable, core):
    services.record_adaptation(bob_site, component=adaptable, description="Samedi", by=bob)
    client.force_login(bob)
    response = client.get(bob_site.get_absolute_url())
    assert [(c.title, a.description if a else None)
            for c, a in response.context["adaptations"]] == [("Horaires d'accueil", "Samedi")]


def test_site_page_query_count_does_not_grow(client, alice, project, bob_site,
                                             django_assert_max_num_queries):
    module = TrainingModuleFactory(project=project)

    def count_for(number):
        for _ in range(number):
            session = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
            person = MembershipFactory(structure=bob_site.structure).user
            Registration.objects.create(session=session, person=person, site=bob_site,
                                        attended=True)
            item = ToolkitItem.objects.create(project=project, resource=ResourceFactory(),
                                              version="1")
            ToolkitAcknowledgement.objects.create(item=item, site=bob_site, version="1")
        client.force_login(alice)
        with django_assert_max_num_queries(25) as context:
            assert client.get(bob_site.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    assert count_for(3) == count_for(20)
