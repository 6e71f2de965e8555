"""Stages I and II end to end: programme staff open the scaling project of a selected
innovation, take it through feasibility to mobilisation, set up its steering committee, hold a
meeting and record a decision, select two adopter sites, then plan a training session, register
a person of a site and mark their attendance; a committee member reads the meeting."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Membership, Territory
from programmes.models import (
    AdopterCandidate,
    AdopterSite,
    Attendance,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    Registration,
    ReplicabilityAssessment,
    ScalingProject,
    Stage,
    StageEvent,
    TrainingModule,
    TrainingSession,
)

from ..factories import (
    PASSWORD,
    ComponentFactory,
    MembershipFactory,
    ProgrammeFactory,
    PublishedInnovationFactory,
    StructureFactory,
    UserFactory,
    department,
)
from .conftest import new_page, person, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INNOVATION = "TAPAJ, travail payé à la journée"
CORE_COMPONENT = "Travail payé le jour même"
CRITERIA = ("impact_shown", "modelling_done", "willingness", "capacity", "economic_viability",
            "need", "prerequisites", "risks")


def local_input(moment) -> str:
    """A moment as a datetime-local input takes it, in Paris time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def region(name):
    return Territory.objects.get(kind=Territory.Kind.REGION, name=name)


def open_tab(page, name):
    page.get_by_role("navigation", name="Pages du projet d'essaimage").get_by_role(
        "link", name=name, exact=True).click()


def record_go(page, reason):
    gate = page.locator("#gate")
    gate.locator("input[name=decision][value=go]").check()
    gate.locator("textarea[name=reason]").fill(reason)
    gate.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Go enregistré : le projet passe à l'étape")).to_be_visible()


def test_staff_take_a_selected_innovation_to_mobilisation_and_train_its_first_sites(
        browser, live, assert_accessible):
    ansa = StructureFactory(name="Agence nouvelle des solidarités actives", acronym="Ansa",
                            department=department("75"), city="Paris")
    alice = UserFactory(email="alice@example.org", first_name="Alice", last_name="Martin",
                        is_staff=True)
    MembershipFactory(user=alice, structure=ansa, role=Membership.Role.MANAGER)
    programme = ProgrammeFactory(name="AIS#Emploi 2018", lead_structure=ansa, staff=[alice])
    innovation = PublishedInnovationFactory(
        title=INNOVATION, owner=StructureFactory(name="TAPAJ France", department=department("33"),
                                                 city="Bordeaux"))
    ComponentFactory(innovation=innovation, title=CORE_COMPONENT)
    nievre = StructureFactory(name="Essor Emploi Nièvre", department=department("58"))
    isere = StructureFactory(name="Atelier Le Fil", department=department("38"), city="Grenoble")
    bob = person("bob@example.org", "Bob", nievre, last_name="Lefèvre")
    person("carol@example.org", "Carole", isere, last_name="Dubois")
    camille = UserFactory(email="camille@example.org", first_name="Camille",
                          last_name="Rousseau")

    alice_page = new_page(browser)
    sign_in(alice_page, live, "alice@example.org", PASSWORD)

    # --- Stage 0: the project is opened from the programme's page, and passes its gate. -----
    alice_page.goto(f"{live}/programmes/{programme.pk}/")
    alice_page.locator("main").get_by_role("link", name="Nouveau projet d'essaimage").click()
    alice_page.locator("select[name=innovation]").select_option(str(innovation.pk))
    alice_page.get_by_role("button", name="Ouvrir le projet").click()
    expect(alice_page.get_by_text("Projet d'essaimage ouvert à l'étape 0.")).to_be_visible()
    project = ScalingProject.objects.get(programme=programme, innovation=innovation)
    assert project.stage == Stage.IDENTIFICATION
    expect(alice_page.get_by_role("heading", level=1)).to_have_text(INNOVATION)
    assert_accessible(alice_page)

    record_go(alice_page, "TAPAJ a été retenu par l'appel à projets et sa fiche est publiée.")
    project.refresh_from_db()
    assert project.stage == Stage.FEASIBILITY

    # --- Stage I: the feasibility study scores every criterion and recommends going on. -----
    open_tab(alice_page, "Faisabilité")
    expect(alice_page.get_by_role("heading", level=1)).to_have_text("Étude de faisabilité")
    for criterion in CRITERIA:
        alice_page.locator(f"input[name=score_{criterion}][value='3']").check()
        alice_page.locator(f"textarea[name=evidence_{criterion}]").fill(
            "Constaté lors des entretiens avec l'équipe de TAPAJ France.")
    alice_page.locator("textarea[name=summary]").fill(
        "Le dispositif est réplicable, à condition de trouver des partenaires d'insertion.")
    alice_page.locator("input[name=recommendation][value=go]").check()
    alice_page.get_by_role("button", name="Enregistrer l'évaluation").click()
    expect(alice_page.get_by_text(
        "Évaluation de la réplicabilité enregistrée.")).to_be_visible()
    assessment = ReplicabilityAssessment.objects.get(project=project)
    assert assessment.recommendation == ReplicabilityAssessment.Recommendation.GO
    assert assessment.scores.count() == len(CRITERIA)
    expect(alice_page.locator(".score-total")).to_have_text("24 / 32")
    assert_accessible(alice_page)

    # The strategy: duplication, aimed at the régions of the two future sites.
    open_tab(alice_page, "Stratégie")
    burgundy, rhone_alps = region("Bourgogne-Franche-Comté"), region("Auvergne-Rhône-Alpes")
    alice_page.locator("input[name=use_scale_up]").check()
    alice_page.locator("input[name=balance][value='2']").check()
    alice_page.locator(f"input[name=target_territories][value='{burgundy.pk}']").check()
    alice_page.locator(f"input[name=target_territories][value='{rhone_alps.pk}']").check()
    alice_page.locator("input[name=target_sites]").fill("2")
    alice_page.get_by_role("button", name="Enregistrer la stratégie").click()
    expect(alice_page.get_by_text(
        "Stratégie de changement d'échelle enregistrée.")).to_be_visible()
    strategy = project.strategy
    assert list(strategy.models.values_list("model", flat=True)) == ["scale_up"]
    assert set(strategy.target_territories.all()) == {burgundy, rhone_alps}
    # The strategy starts from the components of the innovation record.
    assert strategy.components.filter(title=CORE_COMPONENT).exists()

    alice_page.goto(f"{live}/programmes/projets/{project.pk}/")
    record_go(alice_page, "L'étude conclut à la réplicabilité ; la stratégie est arrêtée.")
    project.refresh_from_db()
    assert project.stage == Stage.MOBILISATION
    assert project.status == ScalingProject.Status.IN_PROGRESS
    assert list(StageEvent.objects.filter(project=project).order_by("pk").values_list(
        "kind", "from_stage", "to_stage")) == [
        (StageEvent.Kind.GO, Stage.IDENTIFICATION, Stage.FEASIBILITY),
        (StageEvent.Kind.GO, Stage.FEASIBILITY, Stage.MOBILISATION),
    ]
    expect(alice_page.locator("#history .history-item")).to_have_count(2)
    assert_accessible(alice_page)

    # --- Stage II: the steering committee, its first meeting and its decisions register. ----
    open_tab(alice_page, "Gouvernance")
    alice_page.locator("select[name=kind]").select_option(GovernanceBody.Kind.STEERING)
    alice_page.locator("input[name=name]").fill("Comité de pilotage TAPAJ")
    alice_page.locator("input[name=frequency]").fill("chaque trimestre")
    alice_page.locator("input[name=reminder_days]").fill("7, 1")
    alice_page.get_by_role("button", name="Créer", exact=True).click()
    expect(alice_page.get_by_text(
        "Instance créée. Ajoutez maintenant ses membres.")).to_be_visible()
    body = GovernanceBody.objects.get(project=project)
    assert body.kind == GovernanceBody.Kind.STEERING and body.reminder_days == [7, 1]

    alice_page.locator("input[name=email]").fill("camille@example.org")
    alice_page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(alice_page.get_by_text("Camille Rousseau siège désormais")).to_be_visible()
    member = BodyMember.objects.get(body=body)
    assert member.user == camille

    alice_page.goto(f"{live}/programmes/instances/{body.pk}/")
    alice_page.get_by_role("link", name="Programmer une réunion", exact=True).click()
    starts_at = (timezone.localtime(timezone.now() + timedelta(days=7))
                 .replace(hour=14, minute=0, second=0, microsecond=0))
    alice_page.locator("input[name=title]").fill("COPIL n°1")
    alice_page.locator("input[name=starts_at]").fill(local_input(starts_at))
    alice_page.locator("input[name=ends_at]").fill(local_input(starts_at + timedelta(hours=2)))
    alice_page.locator("input[name=place]").fill("Ansa, 2 rue de Choiseul, Paris")
    alice_page.locator("textarea[name=agenda]").fill("Lancement de l'essaimage\n"
                                                     "Choix des sites essaimés")
    alice_page.get_by_role("button", name="Programmer la réunion").click()
    expect(alice_page.get_by_text("Réunion programmée.")).to_be_visible()
    meeting = Meeting.objects.get(body=body)
    assert meeting.starts_at == starts_at and meeting.status == Meeting.Status.PLANNED
    expect(alice_page.get_by_role("heading", level=1)).to_have_text("COPIL n°1")
    expect(alice_page.get_by_text("Les décisions s'enregistrent")).to_be_visible()

    # Members add the meeting to their calendar.
    ics_link = alice_page.get_by_role("link", name="Ajouter à mon agenda (.ics)")
    calendar = alice_page.request.get(f"{live}{ics_link.get_attribute('href')}")
    assert calendar.status == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert "attachment" in calendar.headers["content-disposition"]
    assert "BEGIN:VEVENT" in calendar.text() and "COPIL n°1" in calendar.text()

    # A week goes by: the meeting has taken place. Its date is moved rather than the clock,
    # since the app refuses to schedule a meeting in the past.
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now - timedelta(hours=2),
                                                 ends_at=now - timedelta(minutes=5))
    alice_page.reload()
    attendance = alice_page.locator("#attendance")
    attendance.locator(f"select[name=member_{member.pk}]").select_option(
        Attendance.Status.PRESENT)
    attendance.get_by_role("button", name="Enregistrer les présences").click()
    expect(alice_page.get_by_text("Présences enregistrées.")).to_be_visible()
    assert (Attendance.objects.get(meeting=meeting, member=member).status
            == Attendance.Status.PRESENT)

    decisions = alice_page.locator("#decisions")
    decisions.locator("summary").click()
    decisions.locator("select[name=kind]").select_option(Decision.Kind.ADOPTER_SELECTION)
    decisions.locator("textarea[name=text]").fill(
        "Le comité retient Essor Emploi Nièvre et Atelier Le Fil comme premiers sites.")
    decisions.get_by_role("button", name="Ajouter au relevé").click()
    expect(alice_page.get_by_text("Décision ajoutée au relevé.")).to_be_visible()
    expect(alice_page.locator("#decisions .decision-list li")).to_contain_text(
        "Le comité retient Essor Emploi Nièvre")
    decision = Decision.objects.get(meeting=meeting)
    assert decision.kind == Decision.Kind.ADOPTER_SELECTION and decision.created_by == alice

    alice_page.get_by_role("button", name="Marquer comme tenue").click()
    expect(alice_page.get_by_text("Réunion marquée comme tenue.")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert_accessible(alice_page)

    # --- Adopters: two structures of the directory become candidates, then sites. ----------
    for structure, code in ((nievre, "58"), (isere, "38")):
        alice_page.goto(f"{live}/programmes/projets/{project.pk}/candidats/")
        add = alice_page.locator("#add")
        add.locator("input[name=structure_q]").fill(structure.name[:10])
        # The directory answers as one types.
        add.locator(f"input[name=structure][value='{structure.pk}']").check()
        add.locator("select[name=territory]").select_option(str(department(code).pk))
        add.locator("textarea[name=motivation]").fill("Des jeunes en errance sur le territoire.")
        add.get_by_role("button", name="Ajouter la candidature").click()
        expect(alice_page.get_by_text(f"{structure.name} est candidate.")).to_be_visible()
        alice_page.get_by_role("button", name="Retenir : créer le site").click()
        expect(alice_page.get_by_text(f"{structure.name} est retenue : son site essaimé est "
                                      "créé.")).to_be_visible()

    assert set(AdopterCandidate.objects.filter(project=project)
               .values_list("status", flat=True)) == {AdopterCandidate.Status.SELECTED}
    sites = {site.structure: site for site in AdopterSite.objects.filter(project=project)}
    assert set(sites) == {nievre, isere}
    assert {site.status for site in sites.values()} == {AdopterSite.Status.SELECTED}
    assert sites[nievre].territory == department("58")
    assert sites[isere].territory == department("38")

    open_tab(alice_page, "Sites")
    expect(alice_page.locator(".sites-table tbody tr")).to_have_count(2)
    expect(alice_page.locator(".sites-table").get_by_role(
        "link", name="Essor Emploi Nièvre")).to_be_visible()
    assert_accessible(alice_page)

    # --- Training: a module of the plan, a session, a registration and its attendance. ------
    open_tab(alice_page, "Formation")
    module_form = alice_page.locator("#add-module")
    module_form.locator("input[name=title]").fill("Transmettre le cœur de TAPAJ")
    module_form.locator("textarea[name=objectives]").fill(
        "Savoir organiser le travail payé à la journée avec les partenaires locaux.")
    module_form.locator("input[name=duration_hours]").fill("7")
    module_form.get_by_label(CORE_COMPONENT).check()
    module_form.get_by_role("button", name="Ajouter le module").click()
    expect(alice_page.get_by_text("Le module « Transmettre le cœur de TAPAJ » est ajouté "
                                  "au plan.")).to_be_visible()
    module = TrainingModule.objects.get(project=project)
    assert list(module.components.values_list("title", flat=True)) == [CORE_COMPONENT]

    alice_page.get_by_role("link", name=re.compile(r"^Programmer une session")).click()
    session_start = (timezone.localtime(timezone.now() + timedelta(days=10))
                     .replace(hour=9, minute=30, second=0, microsecond=0))
    alice_page.locator("input[name=starts_at]").fill(local_input(session_start))
    # A number input whose steps start from its minimum, half an hour: Chromium takes 3.5
    # (it would refuse a whole 3, and drops the comma of a French 3,5).
    alice_page.locator("input[name=duration_hours]").fill("3.5")
    alice_page.locator("input[name=place]").fill("Nevers")
    alice_page.locator("input[name=trainer]").fill("Inès Benali")
    alice_page.locator("input[name=capacity]").fill("10")
    alice_page.get_by_role("button", name="Programmer la session").click()
    expect(alice_page.get_by_text("La session est programmée.")).to_be_visible()
    session = TrainingSession.objects.get(module=module)
    assert session.starts_at == session_start and session.capacity == 10

    register = alice_page.locator("#register-someone")
    register.locator("input[name=email]").fill("bob@example.org")
    register.get_by_role("button", name="Inscrire", exact=True).click()
    expect(alice_page.get_by_text("Bob Lefèvre est inscrit·e.")).to_be_visible()
    registration = Registration.objects.get(session=session)
    assert registration.person == bob and registration.site == sites[nievre]
    assert registration.status == Registration.Status.REGISTERED
    expect(alice_page.get_by_role("row", name=re.compile("Bob Lefèvre"))).to_be_visible()
    assert_accessible(alice_page)

    # The day of the session comes: attendance is only taken once a session has started.
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1))
    alice_page.reload()
    alice_page.get_by_role("link", name="Relever les présences").click()
    alice_page.locator(f"input[name=attended_{registration.pk}][value=present]").check()
    alice_page.get_by_role("button", name="Enregistrer les présences").click()
    expect(alice_page.get_by_text("Les présences sont enregistrées.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.attended is True
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.HELD

    # --- A member of the committee reads the meeting of her committee. -----------------------
    camille_page = new_page(browser)
    sign_in(camille_page, live, "camille@example.org", PASSWORD)
    expect(camille_page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    response = camille_page.goto(f"{live}/programmes/reunions/{meeting.pk}/")
    assert response.status == 200
    expect(camille_page.get_by_role("heading", level=1)).to_have_text("COPIL n°1")
    expect(camille_page.get_by_role("heading", name="Ordre du jour")).to_be_visible()
    expect(camille_page.get_by_role("heading", name="Décisions", exact=True)).to_be_visible()
    expect(camille_page.locator("#decisions")).to_contain_text(
        "Le comité retient Essor Emploi Nièvre")
    # She reads; the staff's forms are not for her.
    expect(camille_page.get_by_role("button", name="Enregistrer les présences")).to_have_count(0)
    expect(camille_page.locator("#attendance")).to_contain_text("1 membre présent")
    assert_accessible(camille_page)

    # Closing the browsers ends their keep-alive connections to the live server.
    camille_page.context.close()
    alice_page.context.close()
