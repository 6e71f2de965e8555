"""The member portal: an adopter's sites, what to do with due dates, meetings, events, the
cohort's latest threads, sponsors and programme contacts; scoped to the structures the person
belongs to, with a query count that does not grow with the number of sites."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import EventRegistration, Membership
from evaluations.models import Questionnaire, ReportingPeriod, SiteReport
from programmes.models import AdopterSite, Registration, Sponsor, ToolkitItem

from ..factories import (
    AdopterSiteFactory,
    BodyMemberFactory,
    EventFactory,
    EventRegistrationFactory,
    IndicatorFactory,
    MeetingFactory,
    MembershipFactory,
    QuestionnaireAssignmentFactory,
    QuestionnaireFactory,
    ReportingPeriodFactory,
    ResourceFactory,
    ScalingProjectFactory,
    StructureFactory,
    ThreadFactory,
    TrainingModuleFactory,
    TrainingSessionFactory,
    UserFactory,
    community_space,
)

pytestmark = pytest.mark.django_db

PORTAL = reverse("portal")
NOT_ADOPTERS = ["alice", "fanny", "remi", "oscar", "admin", "camille", "paul"]


def portal(client, user):
    client.force_login(user)
    response = client.get(PORTAL)
    assert response.status_code == 200
    return response


def task_urls(response):
    return [task.url for task in response.context["tasks"]]


def give_work(site, *, days=0):
    """A quarter to report, a questionnaire to answer, a training session the site is
    registered to and a toolkit item to acknowledge, all for `site`."""
    project = site.project
    period = ReportingPeriod.objects.filter(project=project).first()
    if period is None:
        IndicatorFactory(project=project)
        period = ReportingPeriodFactory(project=project)
    questionnaire = QuestionnaireFactory(project=project, status=Questionnaire.Status.OPEN)
    assignment = QuestionnaireAssignmentFactory(
        questionnaire=questionnaire, site=site,
        due_on=timezone.localdate() + timedelta(days=20 + days))
    session = TrainingSessionFactory(module=TrainingModuleFactory(project=project),
                                     starts_at=timezone.now() + timedelta(days=5 + days))
    Registration.objects.create(session=session, site=site,
                                person=MembershipFactory(structure=site.structure).user)
    ToolkitItem.objects.get_or_create(project=project, resource=ResourceFactory(),
                                      defaults={"version": "1.0"})
    return {"period": period, "assignment": assignment, "session": session}


# --- Who may open it ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PORTAL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_adopter_sees_their_site_and_nothing_of_another(client, pipeline_cast, bob_site,
                                                           carol_site):
    response = portal(client, pipeline_cast["bob"])
    assert response.context["sites"] == [bob_site]
    content = response.content.decode()
    assert bob_site.get_absolute_url() in content
    assert carol_site.get_absolute_url() not in content
    assert "Atelier Le Fil" not in content


@pytest.mark.parametrize("name", NOT_ADOPTERS)
def test_people_without_a_site_are_told_so_and_sent_home(client, pipeline_cast, name):
    response = portal(client, pipeline_cast[name])
    assert response.context["sites"] == []
    assert response.context["sponsors"] == [] and response.context["contacts"] == []
    content = response.content.decode()
    assert 'class="panel portal-empty"' in content
    assert f'href="{reverse("home")}"' in content


def test_a_member_who_is_not_a_manager_sees_the_structures_sites(client, pipeline_cast,
                                                                 bob_site, bob_structure):
    colleague = MembershipFactory(structure=bob_structure, role=Membership.Role.MEMBER).user
    assert portal(client, colleague).context["sites"] == [bob_site]


def test_candidate_and_withdrawn_sites_are_not_shown(client, pipeline_cast, bob_site,
                                                     bob_structure):
    AdopterSiteFactory(project=bob_site.project, structure=bob_structure,
                       status=AdopterSite.Status.WITHDRAWN)
    AdopterSiteFactory(project=bob_site.project, structure=bob_structure,
                       status=AdopterSite.Status.CANDIDATE)
    assert portal(client, pipeline_cast["bob"]).context["sites"] == [bob_site]


# --- Home and header ---------------------------------------------------------------------------


def test_an_adopter_and_nothing_else_lands_on_the_portal(client, pipeline_cast):
    client.force_login(pipeline_cast["bob"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == PORTAL


def test_an_adopter_with_another_role_keeps_the_home_page_and_gets_a_link(
        client, pipeline_cast, steering_committee):
    bob = pipeline_cast["bob"]
    BodyMemberFactory(body=steering_committee, user=bob)
    client.force_login(bob)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f'href="{PORTAL}"' in response.content.decode()


@pytest.mark.parametrize("name", NOT_ADOPTERS)
def test_people_without_a_site_keep_their_home_page_without_the_link(client, pipeline_cast,
                                                                     name):
    client.force_login(pipeline_cast[name])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f'href="{PORTAL}"' not in response.content.decode()


def test_the_header_links_adopters_to_their_portal_on_every_page(client, pipeline_cast):
    client.force_login(pipeline_cast["bob"])
    content = client.get(reverse("communities:profile")).content.decode()
    assert f'href="{PORTAL}"' in content


# --- What to do --------------------------------------------------------------------------------


def test_tasks_come_from_every_app_with_their_due_dates(client, pipeline_cast, bob_site):
    work = give_work(bob_site)
    tasks = portal(client, pipeline_cast["bob"]).context["tasks"]

    entry = reverse("evaluations:report_entry", args=[bob_site.pk, work["period"].pk])
    answer = reverse("evaluations:answer", args=[work["assignment"].pk])
    by_url = {task.url: task for task in tasks}
    assert set(by_url) == {entry, answer, work["session"].get_absolute_url(),
                           f"{bob_site.get_absolute_url()}#toolkit-title"}
    assert by_url[entry].due == work["period"].due_on and by_url[entry].is_overdue
    assert by_url[answer].due == work["assignment"].due_on and not by_url[answer].is_overdue
    assert by_url[work["session"].get_absolute_url()].due == timezone.localtime(
        work["session"].starts_at).date()
    assert by_url[f"{bob_site.get_absolute_url()}#toolkit-title"].due is None
    # The nearest due date first, undated ones last.
    assert [task.url for task in tasks] == [
        entry, work["session"].get_absolute_url(), answer,
        f"{bob_site.get_absolute_url()}#toolkit-title"]
    assert all(task.site == bob_site for task in tasks)


def test_overdue_items_are_flagged(client, pipeline_cast, bob_site):
    give_work(bob_site)
    response = portal(client, pipeline_cast["bob"])
    assert response.context["overdue_count"] == 1
    assert 'class="portal-task is-overdue"' in response.content.decode()


def test_a_period_returned_for_revision_says_so(client, pipeline_cast, bob_site):
    work = give_work(bob_site)
    SiteReport.objects.create(site=bob_site, period=work["period"],
                              status=SiteReport.Status.RETURNED)
    (task,) = [task for task in portal(client, pipeline_cast["bob"]).context["tasks"]
               if task.url.startswith(reverse("evaluations:report_entry",
                                              args=[bob_site.pk, work["period"].pk]))]
    assert "returned" in task.title.lower() or "renvoy" in task.title.lower()


def test_done_things_leave_the_list(client, pipeline_cast, bob_site):
    work = give_work(bob_site)
    SiteReport.objects.create(site=bob_site, period=work["period"],
                              status=SiteReport.Status.SUBMITTED, submitted_at=timezone.now())
    Registration.objects.filter(session=work["session"]).update(
        status=Registration.Status.CANCELLED)
    urls = task_urls(portal(client, pipeline_cast["bob"]))
    assert work["session"].get_absolute_url() not in urls
    assert not [url for url in urls if "/periodes/" in url]


def test_carol_never_sees_bobs_tasks_or_sponsor(client, pipeline_cast, bob_site, carol_site):
    give_work(bob_site)
    response = portal(client, pipeline_cast["carol"])
    assert all(task.site != bob_site for task in response.context["tasks"])
    assert not [url for url in task_urls(response) if f"/sites/{bob_site.pk}/" in url]
    assert response.context["sponsors"] == []
    assert "Paul Mercier" not in response.content.decode()


def test_leaving_a_structure_takes_its_sites_and_tasks_away_at_once(client, pipeline_cast,
                                                                    bob_site):
    give_work(bob_site)
    bob = pipeline_cast["bob"]
    assert portal(client, bob).context["tasks"]
    Membership.objects.filter(user=bob).delete()
    response = portal(client, bob)
    assert response.context["sites"] == []
    assert response.context["tasks"] == []
    assert response.context["sponsors"] == []


# --- Meetings, events and threads --------------------------------------------------------------


def test_meetings_of_the_bodies_one_sits_on(client, pipeline_cast, steering_committee):
    bob = pipeline_cast["bob"]
    BodyMemberFactory(body=steering_committee, user=bob)
    mine = MeetingFactory(body=steering_committee, title="COPIL de printemps")
    MeetingFactory(title="Réunion d'un autre comité")
    response = portal(client, bob)
    assert response.context["meetings"] == [mine]
    assert "Réunion d'un autre comité" not in response.content.decode()


def test_upcoming_events_of_ones_spaces_with_registration_status(client, pipeline_cast,
                                                                bob_structure,
                                                                carol_structure):
    bob = pipeline_cast["bob"]
    cohort = community_space(name="Promotion 2026", structures=[bob_structure])
    other = community_space(name="Promotion Isère", structures=[carol_structure])
    registered = EventFactory(title="Rencontre de Nevers", spaces=[cohort])
    waiting = EventFactory(title="Webinaire", spaces=[cohort],
                           starts_at=timezone.now() + timedelta(days=20))
    EventFactory(title="Visite passée", spaces=[cohort],
                 starts_at=timezone.now() - timedelta(days=3))
    EventFactory(title="Annulée", spaces=[cohort], is_cancelled=True)
    EventFactory(title="Rencontre de Grenoble", spaces=[other])
    EventRegistrationFactory(event=registered, person=bob)
    EventRegistrationFactory(event=waiting, person=bob, status=EventRegistration.Status.WAITING)
    for _ in range(5):
        EventFactory(spaces=[cohort], starts_at=timezone.now() + timedelta(days=40))

    events = portal(client, bob).context["events"]
    assert len(events) == 5
    assert events[:2] == [registered, waiting]
    assert [event.my_status for event in events[:3]] == ["registered", "waiting", None]
    assert not {"Visite passée", "Annulée", "Rencontre de Grenoble"} & {e.title for e in events}


def test_the_latest_threads_of_ones_spaces(client, pipeline_cast, bob_structure,
                                           carol_structure):
    bob = pipeline_cast["bob"]
    cohort = community_space(name="Promotion 2026", structures=[bob_structure])
    other = community_space(name="Promotion Isère", structures=[carol_structure])
    now = timezone.now()
    threads = [ThreadFactory(space=cohort, title=f"Fil {index}",
                             last_activity_at=now - timedelta(hours=index))
               for index in range(7)]
    ThreadFactory(space=cohort, title="Masqué", is_hidden=True)
    ThreadFactory(space=other, title="Chez Carole")

    response = portal(client, bob)
    assert response.context["threads"] == threads[:5]
    content = response.content.decode()
    assert "Promotion 2026" in content
    assert "Masqué" not in content and "Chez Carole" not in content


# --- People ------------------------------------------------------------------------------------


def test_sponsors_of_the_site_and_of_the_whole_project(client, pipeline_cast, project,
                                                       bob_site, carol_site):
    whole = Sponsor.objects.create(project=project, structure=StructureFactory(
        name="Groupe parrain", email="parrains@example.org"))
    Sponsor.objects.create(project=project, site=carol_site, user=UserFactory())
    paul = pipeline_cast["paul"]

    response = portal(client, pipeline_cast["bob"])
    assert {sponsor.pk for sponsor in response.context["sponsors"]} == {
        whole.pk, Sponsor.objects.get(user=paul).pk}
    content = response.content.decode()
    assert "paul@example.org" in content and "parrains@example.org" in content


def test_the_programme_contact_is_the_staff_lead_or_the_programme_staff(client, pipeline_cast,
                                                                        project, alice):
    response = portal(client, pipeline_cast["bob"])
    (contact,) = response.context["contacts"]
    assert contact.people == [alice]
    assert "mailto:alice@example.org" in response.content.decode()

    lead = UserFactory(email="lead@example.org")
    project.staff_lead = lead
    project.save()
    (contact,) = portal(client, pipeline_cast["bob"]).context["contacts"]
    assert contact.people == [lead]


# --- Query count -------------------------------------------------------------------------------


def portal_queries(client, user, django_assert_max_num_queries):
    client.force_login(user)
    # session, user, sites, programme staff, periods, their reports, questionnaires, trainings,
    # toolkit (2), meetings, events, threads, sponsors, header
    with django_assert_max_num_queries(15) as context:
        response = client.get(PORTAL)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_the_portal_query_count_does_not_grow_with_sites(client, pipeline_cast, bob_site,
                                                         bob_structure,
                                                         django_assert_max_num_queries):
    bob = pipeline_cast["bob"]
    give_work(bob_site)
    cohort = community_space(structures=[bob_structure])
    EventFactory(spaces=[cohort])
    ThreadFactory(space=cohort)
    few, response = portal_queries(client, bob, django_assert_max_num_queries)
    assert len(response.context["sites"]) == 1

    structures = [bob_structure] + [StructureFactory() for _ in range(2)]
    for structure in structures[1:]:
        MembershipFactory(user=bob, structure=structure)
    for index in range(29):
        project = ScalingProjectFactory() if index % 3 else bob_site.project
        site = AdopterSiteFactory(project=project, structure=structures[index % 3])
        give_work(site, days=index)
        Sponsor.objects.create(project=project, site=site, user=UserFactory())
    many, response = portal_queries(client, bob, django_assert_max_num_queries)
    assert len(response.context["sites"]) == 30
    assert few == many


def test_the_portal_leads_to_the_directory_of_ones_programme_and_its_peers(
        client, pipeline_cast, bob_site, carol_site):
    response = portal(client, pipeline_cast["bob"])
    directory = reverse("programmes:programme_directory", args=[bob_site.project.programme_id])
    assert response.context["programmes"] == [bob_site.project.programme]
    assert f'href="{directory}"' in response.content.decode()
    # The link opens: adopters see their peers' sites there.
    assert client.get(directory).status_code == 200
