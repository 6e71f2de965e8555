"""Adopter candidates: who sees and scores them, importing the answers to calls for
expressions of interest, the strategy's territories and the selection that creates a site."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.models import Territory
from innovations.models import AdoptionChoice, Application, Call
from programmes.models import AdopterCandidate, AdopterSite, CandidateScore, ScalingStrategy
from programmes.services import adopters as services

from ..factories import (
    ApplicationFactory,
    CallFactory,
    PublishedInnovationFactory,
    StructureFactory,
    UserFactory,
    department,
)

pytestmark = pytest.mark.django_db


def region(code):
    return Territory.objects.get(kind=Territory.Kind.REGION, code=code)


def aim_at(project, *territories):
    strategy, _created = ScalingStrategy.objects.get_or_create(project=project)
    strategy.target_territories.set(territories)
    return strategy


@pytest.fixture
def candidate(project, alice):
    return services.add_candidate(project, structure=StructureFactory(name="Régie de quartier"),
                                  territory=department("58"), motivation="Nous voulons.",
                                  capacity="Deux salariés.", by=alice)


def interest_answer(project, *, structure=None, territory=None, status="submitted"):
    call = CallFactory(kind=Call.Kind.EXPRESSIONS_OF_INTEREST)
    application = ApplicationFactory(call=call, structure=structure or StructureFactory(),
                                     territory=territory, status=status)
    AdoptionChoice.objects.create(application=application, innovation=project.innovation,
                                  motivation="Le dispositif répond à un besoin local.",
                                  capacity="Un local et une équipe.")
    return application


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 200), ("fanny", 200), ("camille", 200), ("paul", 200), ("admin", 200),
    ("bob", 404), ("carol", 404), ("remi", 404), ("oscar", 404),
])
def test_candidates_are_read_by_the_project_readers(client, pipeline_cast, project, candidate,
                                                    name, expected):
    client.force_login(pipeline_cast[name])
    assert client.get(reverse("programmes:candidate_list", args=[project.pk])).status_code \
        == expected
    assert client.get(reverse("programmes:candidate_detail", args=[candidate.pk])).status_code \
        == expected


def test_the_list_shows_average_score_and_number_of_scores(client, pipeline_cast, project,
                                                           candidate, alice, camille):
    services.score_candidate(candidate, scorer=alice, score=4)
    services.score_candidate(candidate, scorer=camille, score=5)
    client.force_login(alice)
    response = client.get(reverse("programmes:candidate_list", args=[project.pk]))
    row = response.context["page"].object_list[0]
    assert (row.average_score, row.score_count) == (4.5, 2)
    assert row.my_score.score == 4


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("camille", 302), ("fanny", 403), ("paul", 403), ("bob", 404),
    ("oscar", 404),
])
def test_staff_and_steering_committee_members_score(client, pipeline_cast, candidate, name,
                                                    expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:candidate_detail", args=[candidate.pk]),
                           {"score": "4", "comment": "Solide."})
    assert response.status_code == expected
    assert CandidateScore.objects.filter(candidate=candidate).exists() == (expected == 302)


@pytest.mark.parametrize(("name", "expected"), [
    ("alice", 302), ("camille", 403), ("fanny", 403), ("paul", 403), ("bob", 404),
    ("oscar", 404),
])
def test_only_staff_decide_and_add(client, pipeline_cast, project, candidate, name, expected):
    client.force_login(pipeline_cast[name])
    response = client.post(reverse("programmes:candidate_decide", args=[candidate.pk]),
                           {"decision": "shortlisted"})
    assert response.status_code == expected
    candidate.refresh_from_db()
    assert (candidate.status == "shortlisted") == (expected == 302)
    response = client.post(reverse("programmes:candidate_list", args=[project.pk]),
                           {"action": "import"})
    assert response.status_code == expected


# --- Adding and importing --------------------------------------------------------------------


def test_staff_add_a_structure_of_the_directory(client, alice, project):
    structure = StructureFactory(name="Emmaüs Nevers")
    client.force_login(alice)
    response = client.post(reverse("programmes:candidate_list", args=[project.pk]),
                           {"structure": structure.pk, "territory": "",
                            "motivation": "Oui", "capacity": "Un local"})
    assert response.status_code == 302
    candidate = AdopterCandidate.objects.get(structure=structure)
    # Without a territory, the structure's département.
    assert candidate.territory == structure.department


def test_searching_the_directory_offers_its_structures(client, alice, project):
    StructureFactory(name="Emmaüs Nevers")
    client.force_login(alice)
    url = reverse("programmes:candidate_list", args=[project.pk])
    response = client.post(url, {"structure_q": "emmaus", "search": "1"})
    assert response.status_code == 200
    assert [s.name for s in response.context["form"].structures_offered] == ["Emmaüs Nevers"]
    assert not AdopterCandidate.objects.exists()
    partial = client.get(url, {"structure_q": "emma"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "Emmaüs Nevers" in partial.content.decode()


def test_a_candidate_outside_the_strategy_is_refused(project, alice):
    aim_at(project, department("38"))
    with pytest.raises(ValidationError) as error:
        services.add_candidate(project, structure=StructureFactory(),
                               territory=department("58"), by=alice)
    assert error.value.error_dict["territory"][0].code == "outside_strategy"


def test_a_region_in_the_targets_covers_its_departements(project, alice):
    aim_at(project, region("27"))  # Bourgogne-Franche-Comté
    candidate = services.add_candidate(project, structure=StructureFactory(),
                                       territory=department("58"), by=alice)
    assert candidate.territory.code == "58"
    with pytest.raises(ValidationError):
        services.add_candidate(project, structure=StructureFactory(),
                               territory=department("38"), by=alice)


def test_without_targets_any_territory_goes(project, alice):
    ScalingStrategy.objects.create(project=project)
    assert services.add_candidate(project, structure=StructureFactory(),
                                  territory=department("971"), by=alice)


def test_a_structure_is_a_candidate_once_per_territory(project, alice, candidate):
    with pytest.raises(ValidationError) as error:
        services.add_candidate(project, structure=candidate.structure,
                               territory=candidate.territory, by=alice)
    assert error.value.error_dict["structure"][0].code == "duplicate_candidate"


def test_importing_answers_twice_creates_each_candidate_once(client, alice, project):
    aim_at(project, region("27"))
    kept = interest_answer(project, territory=department("58"))
    interest_answer(project, territory=department("38"))  # outside the strategy
    interest_answer(project, territory=department("21"), status=Application.Status.DRAFT)
    other_innovation = interest_answer(project, territory=department("58"))
    other_innovation.adoption_choices.update(innovation=PublishedInnovationFactory())
    first = services.import_interest_answers(project, by=alice)
    second = services.import_interest_answers(project, by=alice)
    assert [c.application for c in first.created][0] == kept
    assert len(first.outside_strategy) == 1
    assert second.created == []
    assert AdopterCandidate.objects.filter(project=project, application=kept).count() == 1
    candidate = AdopterCandidate.objects.get(application=kept)
    assert candidate.motivation == "Le dispositif répond à un besoin local."

    client.force_login(alice)
    response = client.post(reverse("programmes:candidate_list", args=[project.pk]),
                           {"action": "import"})
    assert response.status_code == 302
    assert AdopterCandidate.objects.filter(application=kept).count() == 1


# --- Scores and decisions --------------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 6, -1, "abc", None, "3.5"])
def test_scores_outside_one_to_five_are_refused(candidate, alice, score):
    with pytest.raises(ValidationError) as error:
        services.score_candidate(candidate, scorer=alice, score=score)
    assert error.value.error_dict["score"][0].code == "score_out_of_range"
    assert not CandidateScore.objects.exists()


def test_scoring_again_updates_ones_score(candidate, camille):
    services.score_candidate(candidate, scorer=camille, score=2, comment="Fragile")
    services.score_candidate(candidate, scorer=camille, score=4, comment="Rassurant")
    score = CandidateScore.objects.get()
    assert (score.score, score.comment) == (4, "Rassurant")


def test_selecting_creates_the_site_once(client, alice, candidate):
    client.force_login(alice)
    url = reverse("programmes:candidate_decide", args=[candidate.pk])
    response = client.post(url, {"decision": "selected", "start_date": "2025-03-01"})
    site = AdopterSite.objects.get(candidate=candidate)
    assert response.status_code == 302 and response.url == site.get_absolute_url()
    assert (site.status, site.structure, site.territory) == (
        AdopterSite.Status.SELECTED, candidate.structure, candidate.territory)
    assert str(site.start_date) == "2025-03-01"
    client.post(url, {"decision": "selected"})
    assert AdopterSite.objects.filter(candidate=candidate).count() == 1
    with pytest.raises(ValidationError) as error:
        services.decide_candidate(candidate, decision="not_selected", by=alice)
    assert error.value.code == "already_selected"


def test_selecting_outside_the_strategy_creates_nothing(client, alice, project, candidate):
    aim_at(project, department("38"))
    client.force_login(alice)
    response = client.post(reverse("programmes:candidate_decide", args=[candidate.pk]),
                           {"decision": "selected"})
    assert response.status_code == 400
    assert [e.code for e in response.context["decision_form"].errors.as_data()["__all__"]] \
        == ["outside_strategy"]
    candidate.refresh_from_db()
    assert candidate.status == AdopterCandidate.Status.CANDIDATE
    assert not AdopterSite.objects.exists()


def test_scores_close_with_the_decision(candidate, alice):
    services.decide_candidate(candidate, decision="not_selected", by=alice)
    with pytest.raises(ValidationError) as error:
        services.score_candidate(candidate, scorer=alice, score=3)
    assert error.value.code == "candidate_decided"


def test_a_decision_not_in_the_list_is_refused(candidate, alice):
    with pytest.raises(ValidationError) as error:
        services.decide_candidate(candidate, decision="hired", by=alice)
    assert error.value.error_dict["decision"][0].code == "invalid_decision"


def test_candidate_list_query_count_does_not_grow(client, alice, project,
                                                  django_assert_max_num_queries):
    def count_for(number):
        for _ in range(number):
            candidate = services.add_candidate(project, structure=StructureFactory(),
                                               territory=department("58"), by=alice)
            services.score_candidate(candidate, scorer=UserFactory(), score=3)
        client.force_login(alice)
        with django_assert_max_num_queries(30) as context:
            assert client.get(reverse("programmes:candidate_list",
                                      args=[project.pk])).status_code == 200
        return len(context.captured_queries)

    assert count_for(5) == count_for(35)
