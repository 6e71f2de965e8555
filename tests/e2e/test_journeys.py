"""Journeys through the real pages, in headless Chromium, one per kind of person."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from communities.models import Membership, Structure, User

from ..factories import PASSWORD, MembershipFactory, StructureFactory, UserFactory, department
from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_switches_to_english_and_filters_by_department(
    page, live, assert_accessible
):
    user = UserFactory(email="bob@example.org", first_name="Bob")
    MembershipFactory(user=user, structure=StructureFactory(name="Essor Emploi Nièvre",
                                                            department=department("58")))
    StructureFactory(name="Atelier Le Fil", department=department("38"), city="Grenoble")

    sign_in(page, live, "bob@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Bob")
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Bob")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Structures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of structures")
    expect(page.get_by_text("2 structures")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Département").select_option(label="Nièvre (58)")
    # htmx refreshes the results without a reload and keeps the filter in the address.
    expect(page.get_by_text("1 structure", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Essor Emploi Nièvre")).to_be_visible()
    expect(page.get_by_role("link", name="Atelier Le Fil")).to_have_count(0)
    assert "department=58" in page.url

    page.get_by_role("link", name="Essor Emploi Nièvre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Essor Emploi Nièvre")
    assert_accessible(page)


def test_the_skip_link_is_the_first_stop_of_the_keyboard(page, live):
    page.goto(live)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_newcomer_signs_up_confirms_and_registers_their_structure(
    page, live, assert_accessible
):
    page.goto(f"{live}/compte/signup/")
    assert_accessible(page)
    page.locator("input[name=first_name]").fill("Nina")
    page.locator("input[name=last_name]").fill("Nouvelle")
    page.locator("input[name=email]").fill("nina@example.org")
    page.locator("input[name=password1]").fill("un-mot-de-passe-solide")
    page.locator("input[name=password2]").fill("un-mot-de-passe-solide")
    page.locator("main form button[type=submit]").click()

    confirmation = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert confirmation.startswith(live)
    page.goto(confirmation)
    page.locator("main").get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nina")

    page.get_by_role("link", name="Inscrire une structure").first.click()
    page.get_by_label("Nom", exact=False).first.fill("Régie de quartier du Banlay")
    page.get_by_label("Type").select_option(label="Association")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_label("Code postal").fill("58000")
    page.get_by_role("button", name="Inscrire", exact=True).click()

    # The mistake is explained next to the field and nothing typed is lost.
    expect(page.locator("#id_siret_errors")).to_contain_text("clé de contrôle")
    expect(page.get_by_label("Code postal")).to_have_value("58000")
    assert_accessible(page)
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Inscrire", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Régie de quartier du Banlay")
    structure = Structure.objects.get(name="Régie de quartier du Banlay")
    assert structure.department.code == "58"
    assert structure.memberships.get().user.email == "nina@example.org"


def test_a_manager_invites_a_colleague_who_joins(browser, live):
    manager = UserFactory(email="bob@example.org", first_name="Bob")
    structure = StructureFactory(name="Essor Emploi Nièvre")
    MembershipFactory(user=manager, structure=structure, role=Membership.Role.MANAGER)

    bob_page = browser.new_context(locale="fr-FR").new_page()
    sign_in(bob_page, live, "bob@example.org", PASSWORD)
    bob_page.goto(f"{live}/structures/{structure.pk}/membres/")
    bob_page.get_by_label("Adresse e-mail").fill("collegue@example.org")
    bob_page.locator("#id_role").select_option(label="Responsable")
    bob_page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(bob_page.get_by_role("cell", name="collegue@example.org")).to_be_visible()

    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    colleague = browser.new_context(locale="fr-FR").new_page()
    colleague.goto(live + "/invitations/" + link.rsplit("/invitations/", 1)[1])
    colleague.get_by_role("link", name="Créer mon compte").click()
    expect(colleague.locator("input[name=email]")).to_have_value("collegue@example.org")
    colleague.locator("input[name=first_name]").fill("Chloé")
    colleague.locator("input[name=last_name]").fill("Collègue")
    colleague.locator("input[name=password1]").fill("un-mot-de-passe-solide")
    colleague.locator("input[name=password2]").fill("un-mot-de-passe-solide")
    colleague.locator("main form button[type=submit]").click()
    colleague.get_by_role("button", name="Accepter l'invitation").click()
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("Essor Emploi Nièvre")

    membership = Membership.objects.get(user__email="collegue@example.org")
    assert membership.is_manager
    bob_page.reload()
    expect(bob_page.get_by_text("Chloé Collègue", exact=True)).to_be_visible()
    bob_page.context.close()
    colleague.context.close()


def test_an_administrator_reviews_history_in_the_admin(page, live):
    UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    structure = StructureFactory(name="Unapei", kind=Structure.Kind.NETWORK_HEAD)
    structure.description = "Fédération d'associations"
    structure.save()

    sign_in(page, live, "admin@example.org", PASSWORD)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Structures", exact=True).click()
    page.get_by_role("link", name="Unapei").click()
    page.get_by_role("link", name="Historique").click()
    expect(page.locator("#change-history")).to_be_visible()
    assert User.objects.get(email="admin@example.org").is_superuser
