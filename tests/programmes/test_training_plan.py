"""The training plan: modules mapped to core components, their coverage and who completed
which module."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from innovations.models import Component
from programmes.models import (
    Registration,
    ScalingStrategy,
    StrategyComponent,
    TrainingModule,
    TrainingSession,
)
from programmes.services import training as services

from ..factories import (
    AdopterSiteFactory,
    MembershipFactory,
    TrainingModuleFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def components(project):
    strategy, _created = ScalingStrategy.objects.get_or_create(project=project)
    make = StrategyComponent.objects.create
    return {
        "accueil": make(strategy=strategy, kind=Component.Kind.CORE,
                        title="Accueil sans condition"),
        "paiement": make(strategy=strategy, kind=Component.Kind.CORE,
                         title="Paiement à la journée"),
        "horaires": make(strategy=strategy, kind=Component.Kind.ADAPTABLE, title="Horaires"),
    }


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("fanny", 200), ("camille", 200), ("paul", 200), ("admin", 200),
    ("bob", 200), ("carol", 200), ("remi", 404), ("oscar", 404),
])
def test_the_plan_is_for_project_readers_and_the_sites_people(client, pipeline_cast, project,
                                                              name, expected):
    client.force_login(pipeline_cast[name])
    assert client.get(reverse("programmes:training_plan", args=[project.pk])).status_code \
        == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("fanny", 403), ("paul", 403), ("bob", 403), ("oscar", 404),
])
def test_only_staff_add_modules(client, pipeline_cast, project, components, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:training_plan", args=[project.pk]), {
        "title": "Accueillir", "objectives": "Savoir accueillir.", "pedagogy": "peer_learning",
        "duration_hours": "3,5", "components": [components["accueil"].pk]})
    assert response.status_code == expected
    assert TrainingModule.objects.filter(title="Accueillir").exists() == (expected == 302)
    if expected == 302:
        module = TrainingModule.objects.get()
        assert str(module.duration_hours) == "3.5"
        assert list(module.components.all()) == [components["accueil"]]


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("fanny", 403), ("bob", 404), ("oscar", 404),
])
def test_only_staff_edit_modules(client, pipeline_cast, project, name, expected):
    module = TrainingModuleFactory(project=project)
    client.force_login(pipeline_cast[name])
    assert client.get(reverse("programmes:module_update", args=[module.pk])).status_code \
        == expected


def test_a_module_teaches_core_components_only(project, alice, components):
    with pytest.raises(ValidationError) as error:
        services.create_module(project, by=alice, title="Horaires", objectives="Adapter",
                               components=[components["horaires"]])
    assert error.value.error_dict["components"][0].code == "component_not_core"
    other_strategy = StrategyComponent.objects.create(
        strategy=ScalingStrategy.objects.create(project=TrainingModuleFactory().project),
        kind=Component.Kind.CORE, title="Ailleurs")
    with pytest.raises(ValidationError):
        services.create_module(project, by=alice, title="Ailleurs", objectives="-",
                               components=[other_strategy])
    assert not TrainingModule.objects.filter(project=project).exists()


def test_the_coverage_shows_the_core_components_no_module_teaches(client, alice, project,
                                                                  components):
    services.create_module(project, by=alice, title="Accueillir", objectives="-",
                           components=[components["accueil"]])
    client.force_login(alice)
    coverage = client.get(reverse("programmes:training_plan", args=[project.pk])
                          ).context["coverage"]
    assert {line.component.title: line.is_covered for line in coverage} == {
        "Accueil sans condition": True, "Paiement à la journée": False}


def test_modules_keep_their_order_and_move(client, alice, project):
    first = services.create_module(project, by=alice, title="Un", objectives="-")
    second = services.create_module(project, by=alice, title="Deux", objectives="-")
    client.force_login(alice)
    client.post(reverse("programmes:module_update", args=[second.pk]), {"action": "up"})
    titles = [m.title for m in TrainingModule.objects.filter(project=project)]
    assert titles == ["Deux", "Un"]
    services.move_module(first, up=False, by=alice)  # already last: nothing moves
    assert [m.title for m in TrainingModule.objects.filter(project=project)] == ["Deux", "Un"]


def test_a_module_with_sessions_stays(project, alice):
    module = TrainingModuleFactory(project=project)
    TrainingSessionFactory(module=module)
    with pytest.raises(ValidationError) as error:
        services.delete_module(module, by=alice)
    assert error.value.code == "module_has_sessions"


def test_completion_matrix_from_hand_built_attendance(client, alice, bob, carol, project,
                                                      bob_site, carol_site):
    """Bob's site completed module A (two people) and not B (the session is not held yet, and
    an absent person completes nothing); Carol's site completed B only."""
    module_a = TrainingModuleFactory(project=project, title="A", order=0)
    module_b = TrainingModuleFactory(project=project, title="B", order=1)
    past = timezone.now() - timedelta(days=3)
    a_held = TrainingSessionFactory(module=module_a, starts_at=past,
                                    status=TrainingSession.Status.HELD)
    b_held = TrainingSessionFactory(module=module_b, starts_at=past,
                                    status=TrainingSession.Status.HELD)
    b_planned = TrainingSessionFactory(module=module_b)
    colleague = MembershipFactory(structure=bob_site.structure).user
    register = Registration.objects.create
    register(session=a_held, person=bob, site=bob_site, attended=True)
    register(session=a_held, person=colleague, site=bob_site, attended=True)
    register(session=b_held, person=colleague, site=bob_site, attended=False)
    register(session=b_planned, person=bob, site=bob_site, attended=True)
    register(session=b_held, person=carol, site=carol_site, attended=True)
    cancelled = register(session=a_held, person=carol, site=carol_site, attended=True,
                         status=Registration.Status.CANCELLED)
    assert cancelled

    client.force_login(alice)
    matrix = client.get(reverse("programmes:training_plan", args=[project.pk])
                        ).context["matrix"]
    assert {row.site.pk: row.cells for row in matrix} == {bob_site.pk: [2, 0],
                                                          carol_site.pk: [0, 1]}

    # Bob sees his own site only.
    client.force_login(bob)
    matrix = client.get(reverse("programmes:training_plan", args=[project.pk])
                        ).context["matrix"]
    assert [row.site.pk for row in matrix] == [bob_site.pk]

    # Per person, on the site's page.
    people = client.get(bob_site.get_absolute_url()).context["people"]
    assert {entry.person.pk: entry.completed for entry in people} == {
        bob.pk: {module_a.pk}, colleague.pk: {module_a.pk}}


def test_training_plan_query_count_does_not_grow(client, alice, project,
                                                 django_assert_max_num_queries):
    def count_for(number):
        for _ in range(number):
            module = TrainingModuleFactory(project=project)
            session = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
            site = AdopterSiteFactory(project=project)
            person = MembershipFactory(structure=site.structure).user
            Registration.objects.create(session=session, person=person, site=site,
                                        attended=True)
        client.force_login(alice)
        with django_assert_max_num_queries(20) as context:
            assert client.get(reverse("programmes:training_plan",
                                      args=[project.pk])).status_code == 200
        return len(context.captured_queries)

    assert count_for(3) == count_for(15)
