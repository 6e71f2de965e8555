"""Stage 0 end to end: an innovator applies, two peers review, staff select, the innovation
enters the knowledge bank and a French search without accents finds it."""

import pytest
from playwright.sync_api import expect

from innovations.models import Application, Innovation, ReviewAssignment

from ..factories import (
    PASSWORD,
    CallFactory,
    CollegeFactory,
    CriterionFactory,
    QuestionFactory,
    StructureFactory,
    ThemeFactory,
)
from .conftest import new_page, person, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_application_goes_from_the_call_to_the_knowledge_bank(browser, live,
                                                                assert_accessible):
    ansa = StructureFactory(name="Agence nouvelle des solidarités actives")
    alice = person("alice@example.org", "Alice", ansa, is_staff=True)
    call = CallFactory(title="AIS#Emploi — appel à projets", organiser=ansa, managers=[alice])
    QuestionFactory(call=call, label="Quel problème résolvez-vous ?")
    CriterionFactory(call=call, name="Preuves d'impact", weight=2, max_score=5)
    CriterionFactory(call=call, name="Réplicabilité", weight=1, max_score=5)
    innovators = CollegeFactory(call=call, name="Innovateurs")
    users = CollegeFactory(call=call, name="Utilisateurs potentiels")
    ThemeFactory(name="Emploi", slug="emploi")
    person("ines@example.org", "Inès", StructureFactory(name="TAPAJ France"))
    person("remi@example.org", "Rémi")
    person("nadia@example.org", "Nadia")

    # The innovator applies.
    ines = new_page(browser)
    sign_in(ines, live, "ines@example.org", PASSWORD)
    ines.goto(f"{live}/appels/{call.pk}/")
    assert_accessible(ines)
    ines.locator("main").get_by_role("link", name="Candidater").click()
    ines.locator("main form button[type=submit]").click()
    ines.locator("input[name=title]").fill("TAPAJ, travail payé à la journée")
    ines.locator("textarea[name=summary]").fill(
        "Une insertion par le travail pour des jeunes en errance, avec une évaluation externe.")
    ines.locator("textarea[name^=question_]").fill("L'errance des jeunes loin de l'emploi.")
    ines.get_by_role("button", name="Déposer la candidature").click()
    application = Application.objects.get(structure__name="TAPAJ France")
    assert application.status == Application.Status.SUBMITTED
    assert_accessible(ines)

    # Staff screen it and ask one reviewer from each college.
    alice_page = new_page(browser)
    sign_in(alice_page, live, "alice@example.org", PASSWORD)
    alice_page.goto(f"{live}/candidatures/{application.pk}/")
    alice_page.locator("input[name=is_eligible][value=yes]").check()
    alice_page.get_by_role("button", name="Enregistrer l'éligibilité").click()
    for email, college in (("remi@example.org", innovators), ("nadia@example.org", users)):
        alice_page.goto(f"{live}/candidatures/{application.pk}/")
        alice_page.locator("textarea[name=emails]").fill(email)
        alice_page.locator("select[name=college]").select_option(str(college.pk))
        alice_page.get_by_role("button", name="Attribuer", exact=True).click()
    assert ReviewAssignment.objects.filter(application=application).count() == 2

    # Two peers score it.
    for email, scores in (("remi@example.org", (5, 4)), ("nadia@example.org", (4, 3))):
        reviewer = new_page(browser)
        sign_in(reviewer, live, email, PASSWORD)
        reviewer.goto(f"{live}/relectures/")
        reviewer.locator("main").get_by_role("link", name="TAPAJ, travail payé à la journée").first.click()
        for criterion, score in zip(call.criteria.order_by("order"), scores):
            reviewer.locator(f"input[name=score_{criterion.pk}][value='{score}']").check(force=True)
        reviewer.get_by_role("button", name="Remettre l'évaluation").click()
        assert_accessible(reviewer)
        reviewer.context.close()
    assert ReviewAssignment.objects.submitted().filter(application=application).count() == 2

    # Staff read the ranking and select the application.
    alice_page.goto(f"{live}/appels/{call.pk}/classement/")
    expect(alice_page.get_by_role("cell", name="TAPAJ, travail payé à la journée")).to_be_visible()
    assert_accessible(alice_page)
    alice_page.goto(f"{live}/candidatures/{application.pk}/")
    alice_page.locator("input[name=decision][value=selected]").check()
    alice_page.locator("textarea[name=message]").fill("Félicitations, votre projet est retenu.")
    alice_page.get_by_role("button", name="Enregistrer la décision").click()
    application.refresh_from_db()
    assert application.status == Application.Status.SELECTED
    innovation = application.innovation
    assert innovation is not None and innovation.status == Innovation.Status.DRAFT

    # The innovator completes the record and publishes it.
    ines.goto(f"{live}/innovations/{innovation.pk}/modifier/description/")
    ines.locator("textarea[name=problem]").fill("Des jeunes en errance, loin de toute évaluation "
                                                 "de leurs besoins.")
    ines.get_by_label("Emploi").check()
    ines.get_by_role("button", name="Enregistrer cette rubrique").click()
    ines.goto(f"{live}/innovations/{innovation.pk}/modifier/model/")
    ines.locator("input[name='core-0-title']").fill("Travail payé le jour même")
    ines.get_by_role("button", name="Enregistrer cette rubrique").click()
    ines.goto(f"{live}/innovations/{innovation.pk}/")
    ines.get_by_role("button", name="Publier dans la banque d'expériences").click()
    innovation.refresh_from_db()
    assert innovation.is_published
    assert_accessible(ines)

    # Anyone signed in finds it in the bank, typing without accents.
    ines.goto(f"{live}/innovations/")
    ines.locator("input[name=q]").fill("evaluation jeunes")
    ines.locator("input[name=q]").press("Enter")
    expect(ines.locator("#bank-results").get_by_role(
        "link", name="TAPAJ, travail payé à la journée")).to_be_visible()
    assert_accessible(ines)
    # Closing the browsers ends their keep-alive connections to the live server.
    ines.context.close()
    alice_page.context.close()
