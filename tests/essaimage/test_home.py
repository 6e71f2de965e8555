import pytest
from django.urls import reverse

from essaimage.home import build_home

from ..factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def step_urls(response):
    return [step.url for step in response.context["next_steps"]]


def test_anonymous_visitors_see_the_landing_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("account_login") in response.content.decode()


def test_staff_see_their_programmes_and_are_asked_to_use_two_factors(client, alice, programme):
    response = home(client, alice)
    assert response.context["programmes"] == [programme]
    assert reverse("mfa_index") in step_urls(response)
    assert "Programme staff" in response.context["role_labels"] or \
        "Équipe programme" in response.context["role_labels"]


def test_funders_see_the_programmes_they_fund(client, fanny, programme):
    response = home(client, fanny)
    assert response.context["programmes"] == [programme]
    assert response.context["is_funder"]


def test_adopters_see_their_structures_and_not_programmes(client, bob, programme):
    response = home(client, bob)
    assert response.context["programmes"] == []
    assert [m.structure.name for m in response.context["memberships"]] == ["Essor Emploi Nièvre"]
    assert reverse("mfa_index") not in step_urls(response)


def test_outsiders_are_told_how_to_join_a_structure(client, oscar):
    response = home(client, oscar)
    assert reverse("communities:structure_list") in step_urls(response)


def test_pending_invitations_come_first(client, oscar, bob_structure):
    invitation = InvitationFactory(structure=bob_structure, email=oscar.email)
    response = home(client, oscar)
    assert invitation.get_absolute_url() in step_urls(response)
    assert reverse("communities:structure_list") not in step_urls(response)


def test_people_without_a_name_are_asked_to_complete_their_profile(client):
    nameless = UserFactory(first_name="", last_name="")
    response = home(client, nameless)
    assert reverse("communities:profile") in step_urls(response)


def test_managers_are_asked_to_place_their_structure_on_the_map(client, bob, bob_structure):
    bob_structure.department = None
    bob_structure.region = None
    bob_structure.save()
    response = home(client, bob)
    assert reverse("communities:structure_update", args=[bob_structure.pk]) in step_urls(response)


def test_home_query_count_does_not_grow_with_memberships(client, bob, django_assert_max_num_queries):
    for _ in range(15):
        MembershipFactory(user=bob)
    client.force_login(bob)
    # session, user, roles (programmes, innovations), memberships, invitations, programmes,
    # draft applications, draft records, MFA, questionnaires to answer
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin"])
@pytest.mark.parametrize("url_name", ["home", "communities:profile", "programmes:programme_list",
                                      "communities:structure_create"])
def test_every_person_of_the_cast_opens_their_own_pages(client, cast, name, url_name):
    client.force_login(cast[name])
    assert client.get(reverse(url_name)).status_code == 200


def test_reviewers_are_told_how_many_reviews_wait(client, remi, open_call):
    from ..factories import ReviewAssignmentFactory, SubmittedApplicationFactory

    for _ in range(2):
        ReviewAssignmentFactory(reviewer=remi, college=open_call.colleges.first(),
                                application=SubmittedApplicationFactory(call=open_call))
    response = home(client, remi)
    assert reverse("innovations:review_list") in step_urls(response)


def test_innovators_are_reminded_of_drafts(client, ines, ines_structure, open_call):
    from ..factories import ApplicationFactory, InnovationFactory

    application = ApplicationFactory(call=open_call, structure=ines_structure)
    record = InnovationFactory(owner=ines_structure)
    urls = step_urls(home(client, ines))
    assert reverse("innovations:application_edit", args=[application.pk]) in urls
    assert record.get_absolute_url() in urls


def test_call_staff_follow_their_calls(client, alice, open_call):
    from ..factories import SubmittedApplicationFactory

    SubmittedApplicationFactory(call=open_call)
    urls = step_urls(home(client, alice))
    assert reverse("innovations:call_applications", args=[open_call.pk]) in urls


def test_adopters_see_their_sites_and_what_to_acknowledge(client, pipeline_cast, bob_site):
    from programmes.models import ToolkitItem

    from ..factories import ResourceFactory

    ToolkitItem.objects.create(project=bob_site.project, resource=ResourceFactory(),
                               version="1.0")
    # An adopter and nothing else lands on the portal (tests/essaimage/test_portal.py); the
    # home page keeps these steps for adopters who hold another role.
    context = build_home(pipeline_cast["bob"])
    assert context["sites"] == [bob_site]
    assert bob_site.get_absolute_url() in [step.url for step in context["next_steps"]]


def test_committee_members_are_asked_to_prepare_their_meetings(client, pipeline_cast,
                                                               steering_committee):
    from ..factories import MeetingFactory

    meeting = MeetingFactory(body=steering_committee)
    response = home(client, pipeline_cast["camille"])
    assert meeting.get_absolute_url() in step_urls(response)
    assert [p.pk for p in response.context["projects"]] == [steering_committee.project_id]


def test_sponsors_and_funders_find_the_projects_they_follow(client, pipeline_cast, project):
    for name in ("paul", "fanny"):
        response = home(client, pipeline_cast[name])
        assert project in response.context["projects"]


def test_home_query_count_stays_flat_for_an_adopter(client, pipeline_cast, bob_site,
                                                   django_assert_max_num_queries):
    from ..factories import AdopterSiteFactory

    for _ in range(8):
        AdopterSiteFactory(project=bob_site.project, structure=bob_site.structure)
    # roles (2), memberships, invitations, programmes, draft applications, draft records,
    # sites, toolkit (2), sessions, open actions; evaluations: sites and periods to report
    # (their reports when there are periods), questionnaires to answer
    with django_assert_max_num_queries(16):
        build_home(pipeline_cast["bob"])


def test_adopters_are_asked_to_answer_the_questionnaires_sent_to_their_sites(
        client, pipeline_cast, bob_site, carol_site):
    from datetime import timedelta

    from django.utils import timezone

    from evaluations.models import Questionnaire

    from ..factories import QuestionnaireAssignmentFactory, QuestionnaireFactory

    today = timezone.localdate()
    questionnaire = QuestionnaireFactory(project=bob_site.project, title="Auto-évaluation 2026",
                                         status=Questionnaire.Status.OPEN,
                                         closes_on=today + timedelta(days=10))
    mine = QuestionnaireAssignmentFactory(questionnaire=questionnaire, site=bob_site,
                                          due_on=today + timedelta(days=7))
    QuestionnaireAssignmentFactory(questionnaire=questionnaire, site=carol_site)
    closed = QuestionnaireFactory(project=bob_site.project, title="Questionnaire clos",
                                  status=Questionnaire.Status.CLOSED)
    QuestionnaireAssignmentFactory(questionnaire=closed, site=bob_site)

    steps = build_home(pipeline_cast["bob"])["next_steps"]
    answers = [step for step in steps if "Auto-évaluation 2026" in step.title]
    assert [step.url for step in answers] == [reverse("evaluations:answer", args=[mine.pk])]
    assert not [step for step in steps if "Questionnaire clos" in step.title]
    oscar_steps = home(client, pipeline_cast["oscar"]).context["next_steps"]
    assert not [step for step in oscar_steps if "Auto-évaluation" in step.title]
