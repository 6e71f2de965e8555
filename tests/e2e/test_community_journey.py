"""The community end to end: an adopter lands on her portal and sees a quarter to report; she
asks her cohort a question; another adopter answers; she marks his answer as the helpful one;
each of them finds the other's act in their notifications."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Notification, Post, Thread
from programmes.services.adopters import add_sites_to_cohort, create_cohort

from ..factories import (
    PASSWORD,
    AdopterSiteFactory,
    IndicatorFactory,
    ProgrammeFactory,
    PublishedInnovationFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
    StructureFactory,
    department,
)
from .conftest import new_page, person, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Comment avez-vous convaincu les bailleurs sociaux ?"
ANSWER = "Avec un chantier test de quatre heures, puis la convention a suivi."


@pytest.fixture
def cohort(live):
    """TAPAJ's 2019 cohort: bob's site in the Nièvre and carol's in the Isère; carol's quarter
    is due in ten days."""
    ansa = StructureFactory(name="Ansa", department=department("75"))
    alice = person("alice@example.org", "Alice", ansa, last_name="Martin")
    bob_structure = StructureFactory(name="Essor Emploi Nièvre", department=department("58"))
    carol_structure = StructureFactory(name="Le Fil", department=department("38"))
    person("bob@example.org", "Bob", bob_structure, last_name="Lefèvre")
    person("carol@example.org", "Carole", carol_structure, last_name="Dubois")
    programme = ProgrammeFactory(name="AIS#Emploi", lead_structure=ansa, staff=[alice])
    project = ScalingProjectFactory(programme=programme, title="Essaimage de TAPAJ",
                                    innovation=PublishedInnovationFactory(title="TAPAJ"))
    sites = [AdopterSiteFactory(project=project, structure=structure, territory=department(code),
                                status="launched")
             for structure, code in [(bob_structure, "58"), (carol_structure, "38")]]
    today = timezone.localdate()
    IndicatorFactory(project=project, code="PERS", name="Personnes accompagnées", position=1)
    ReportingPeriodFactory(project=project, label="Trimestre en cours",
                           starts_on=today - timedelta(days=80), ends_on=today - timedelta(days=1),
                           due_on=today + timedelta(days=10))
    promotion = create_cohort(programme, name="Promotion TAPAJ 2019", by=alice)
    add_sites_to_cohort(promotion, sites, by=alice)
    promotion.refresh_from_db()
    return promotion


def test_a_question_to_peers_answered_marked_helpful_and_notified(live, browser, cohort,
                                                                 assert_accessible):
    space = cohort.space

    # carol signs in and lands on her portal, where the quarter to report waits.
    carol = new_page(browser)
    sign_in(carol, live, "carol@example.org", PASSWORD)
    expect(carol).to_have_url(live + reverse("portal"))
    tasks = carol.locator("#tasks-title").locator("xpath=..")
    expect(tasks).to_contain_text("Trimestre en cours")
    expect(tasks.locator("a[href*='/periodes/']").first).to_be_visible()
    assert_accessible(carol)

    # She asks her cohort a question, from the community link of the header.
    carol.locator("header").get_by_role("link", name="Communauté").click()
    carol.get_by_role("link", name=space.name).first.click()
    carol.locator(f"a[href='{reverse('communities:thread_create', args=[space.pk])}']").first.click()
    carol.locator("input[name=title]").fill("Convaincre les bailleurs sociaux")
    carol.locator("input[name=kind][value=question]").check()
    carol.locator("textarea[name=body]").fill(QUESTION)
    carol.locator("main form.message-form button[type=submit]").click()
    thread = Thread.objects.get(space=space, title="Convaincre les bailleurs sociaux")
    expect(carol).to_have_url(live + thread.get_absolute_url())
    expect(carol.locator("main")).to_contain_text(QUESTION)

    # bob finds it in the space's feed and answers.
    bob = new_page(browser)
    sign_in(bob, live, "bob@example.org", PASSWORD)
    bob.goto(live + space.get_absolute_url())
    bob.get_by_role("link", name="Convaincre les bailleurs sociaux").click()
    bob.locator("#reply textarea[name=body]").fill(ANSWER)
    bob.locator("#reply button[type=submit]").click()
    expect(bob.locator("main")).to_contain_text(ANSWER)
    answer = Post.objects.get(thread=thread, body=ANSWER)

    # carol's bell counts bob's reply; the notification leads to the thread.
    carol.goto(live + reverse("portal"))
    expect(carol.locator("#notification-bell .notification-count")).to_have_text("1")
    carol.locator("#notification-bell").click()
    expect(carol.locator("main")).to_contain_text("Convaincre les bailleurs sociaux")
    assert_accessible(carol)
    carol.locator("main form[action*='/ouvrir/'] button").first.click()
    expect(carol).to_have_url(live + answer.get_absolute_url())

    # She marks bob's answer as the one that helped.
    carol.locator(f"form[action='{reverse('communities:mark_helpful', args=[answer.pk])}'] "
                  "button").click()
    thread.refresh_from_db()
    assert thread.helpful_post == answer
    expect(carol.locator(f"#message-{answer.pk}")).to_be_visible()
    assert_accessible(carol)

    # bob is told that his answer helped.
    bob.goto(live + reverse("communities:notification_list"))
    expect(bob.locator("#notification-bell .notification-count")).to_have_text("1")
    expect(bob.locator("main")).to_contain_text("Convaincre les bailleurs sociaux")
    assert Notification.objects.filter(recipient__email="bob@example.org",
                                       kind=Notification.Kind.HELPFUL_ANSWER).count() == 1
    assert Notification.objects.filter(recipient__email="carol@example.org",
                                       kind=Notification.Kind.REPLY).count() == 1
    assert_accessible(bob)
