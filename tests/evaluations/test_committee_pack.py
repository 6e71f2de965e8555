"""The steering committee pack of a meeting (evaluations/reports/committee_pack.py): what the
PDF says, read back with pdftotext, and what it says when pieces are missing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from essaimage import reports
from evaluations.models import IndicatorValue, SiteReport
from evaluations.reports import committee_pack
from programmes.models import ActionItem, Attendance, BodyMember, Decision, Meeting

from ..essaimage.reports_helpers import pdf_info, pdf_text, squeeze
from ..factories import (
    AdopterSiteFactory,
    GovernanceBodyFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MeetingFactory,
    ReportingPeriodFactory,
    ScalingProjectFactory,
    StructureFactory,
)

VALIDATED = IndicatorValue.Status.VALIDATED


@pytest.fixture
def previous(steering_committee):
    meeting = MeetingFactory(body=steering_committee, title="COPIL de lancement",
                             starts_at=timezone.now() - timedelta(days=90),
                             status=Meeting.Status.HELD,
                             minutes="Le comité valide l'étude de faisabilité.\n\n"
                                     "Deux premiers sites sont retenus : Nevers et Grenoble.")
    Decision.objects.create(meeting=meeting, kind=Decision.Kind.ADOPTER_SELECTION,
                            text="Les sites de Nevers et de Grenoble sont retenus.")
    return meeting


@pytest.fixture
def meeting(steering_committee, camille, previous, project, bob_site, carol_site):
    """The next meeting of TAPAJ's steering committee, with everything a pack shows."""
    meeting = MeetingFactory(
        body=steering_committee, title="COPIL de suivi", place="Nevers, salle du conseil",
        starts_at=timezone.now() + timedelta(days=14),
        agenda="Point sur les sites\nIndicateurs du trimestre\n- Questions diverses")
    Decision.objects.create(meeting=meeting, text="Le budget 2027 est adopté.")
    BodyMember.objects.create(body=steering_committee, name="Jean Sans Courriel")
    member = steering_committee.members.get(user=camille)
    ActionItem.objects.create(project=project, meeting=previous, owner=member,
                              title="Préparer le bilan des formations",
                              due_on=timezone.localdate() - timedelta(days=3))
    ActionItem.objects.create(project=project, title="Relancer la DDETS",
                              due_on=timezone.localdate() + timedelta(days=20))
    ActionItem.objects.create(project=project, title="Action déjà faite",
                              status=ActionItem.Status.DONE)
    # An action of another body's meeting stays out of this committee's pack.
    technical = GovernanceBodyFactory(project=project, name="Comité technique",
                                      kind="technical")
    ActionItem.objects.create(project=project, title="Action du comité technique",
                              meeting=MeetingFactory(body=technical))
    people = IndicatorFactory(project=project, code="ACC", name="Personnes accompagnées",
                              unit="personnes", position=1)
    IndicatorTargetFactory(indicator=people, period_end=date(2025, 3, 31),
                           value=Decimal("2000"))
    hours = IndicatorFactory(project=project, code="HEU", name="Heures travaillées",
                             unit="heures", position=2)
    period = ReportingPeriodFactory(project=project)
    for site, value in ((bob_site, "1250"), (carol_site, "34")):
        report = SiteReport.objects.create(site=site, period=period,
                                           status=SiteReport.Status.VALIDATED,
                                           validated_at=timezone.now(),
                                           locked_at=timezone.now())
        IndicatorValue.objects.create(report=report, indicator=people, value=Decimal(value),
                                      status=VALIDATED)
        IndicatorValue.objects.create(report=report, indicator=hours, value=Decimal("10"),
                                      status=VALIDATED)
    return meeting


# In English: the words checked here do not depend on the state of the French catalogue.
def _render(meeting) -> tuple[str, bytes]:
    pdf, pages = reports.render_pdf(reports.get_kind("committee_pack"), meeting,
                                    language="en")
    assert int(pdf_info(pdf)["Pages"]) == pages
    return squeeze(pdf_text(pdf)), pdf


def test_the_pack_holds_the_agenda_figures_decisions_and_previous_minutes(meeting):
    text, pdf = _render(meeting)

    info = pdf_info(pdf)
    assert info["Tagged"] == "yes"
    assert "COPIL de suivi" in info["Title"]
    # Agenda
    for item in ("Point sur les sites", "Indicateurs du trimestre", "Questions diverses"):
        assert item in text
    assert "Nevers, salle du conseil" in text
    # Members, and the one the pack cannot reach
    assert "Camille Roux" in text and "Jean Sans Courriel" in text
    assert "no e-mail address" in text
    # Stage and gate
    assert "Identification" in text
    # Indicators against their targets: 1,250 + 34 people, target 2,000, 64 %
    assert "1,284 personnes" in text and "2,000 personnes" in text
    assert "64 %" in text
    assert "No target is set for Heures travaillées" in text
    # Sites
    assert "Essor Emploi Nièvre" in text and "Atelier Le Fil" in text
    # Decisions of this meeting, open actions (the overdue one flagged), not the others
    assert "Le budget 2027 est adopté." in text
    assert "Préparer le bilan des formations" in text and "overdue" in text
    assert "Relancer la DDETS" in text
    assert "Action déjà faite" not in text
    assert "Action du comité technique" not in text
    # The previous meeting's minutes and decisions
    assert "COPIL de lancement" in text
    assert "valide l’étude de faisabilité" in text or "valide l'étude de faisabilité" in text
    assert "Nevers et Grenoble." in text
    assert "Les sites de Nevers et de Grenoble sont retenus." in text
    # A table of contents with page numbers, and running footers
    assert "Contents" in text and "page 2 / " in text


def test_a_pack_with_nothing_yet_says_what_is_missing(programme, alice):
    project = ScalingProjectFactory(programme=programme)
    body = GovernanceBodyFactory(project=project, name="Comité vide")
    meeting = MeetingFactory(body=body, title="Première réunion", agenda="")

    text, _pdf = _render(meeting)

    assert "The agenda has not been written yet." in text
    assert "The body has no member yet: nobody receives this pack." in text
    assert "The project has no active indicator yet" in text
    assert "The project has no adopter site yet." in text
    assert "No action item is open." in text
    assert "This is the body's first meeting" in text
    assert text.count("Missing data:") == 4


def test_an_indicator_without_values_or_target_still_renders(programme):
    project = ScalingProjectFactory(programme=programme)
    AdopterSiteFactory(project=project, structure=StructureFactory(name="Site sans rapport"))
    IndicatorFactory(project=project, code="VIDE", name="Indicateur vide")
    body = GovernanceBodyFactory(project=project)
    BodyMember.objects.create(body=body, name="Sans adresse", email="")
    meeting = MeetingFactory(body=body, status=Meeting.Status.CANCELLED)

    html = reports.render_html(reports.get_kind("committee_pack"), meeting,
                               language="en")

    assert "VIDE — Indicateur vide" in html
    assert "no target" in html and "No target is set for Indicateur vide" in html
    assert "1 site of 1 has not reported" in html
    assert "Without an e-mail address, Sans adresse does not receive this pack" in html
    assert "This meeting is cancelled." in html


def test_a_held_meeting_shows_who_attended(meeting, camille):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    meeting.refresh_from_db()
    Attendance.objects.create(meeting=meeting, member=meeting.body.members.get(user=camille),
                              status=Attendance.Status.PRESENT)
    html = reports.render_html(reports.get_kind("committee_pack"), meeting,
                               language="en")
    assert "Attendance" in html and "Present" in html


def test_the_previous_meeting_is_the_last_one_held_before(meeting, previous, steering_committee):
    MeetingFactory(body=steering_committee, title="COPIL annulé", status="cancelled",
                   starts_at=timezone.now() - timedelta(days=10))
    MeetingFactory(body=steering_committee, title="COPIL futur", status="held",
                   starts_at=timezone.now() + timedelta(days=60))
    context = committee_pack.build_context(meeting, {})
    assert context["previous"] == previous


def test_the_number_of_queries_does_not_grow_with_the_data(meeting, project,
                                                           steering_committee):
    def count():
        cache.clear()  # the dashboards keep figures in the cache
        with CaptureQueriesContext(connection) as queries:
            committee_pack.build_context(meeting, {})
        return len(queries)

    def add(n):
        AdopterSiteFactory(project=project, structure=StructureFactory(name=f"Structure {n}"))
        BodyMember.objects.create(body=steering_committee, name=f"Membre {n}",
                                  email=f"m{n}@example.org")
        ActionItem.objects.create(project=project, title=f"Action {n}",
                                  due_on=timezone.localdate())

    add(0)  # a site that has not reported: the pack lists the missing ones
    before = count()
    for n in range(1, 13):
        add(n)
    assert count() == before


def test_sites_beyond_the_listed_ones_are_counted(programme, monkeypatch):
    monkeypatch.setattr(committee_pack, "SITES_LISTED", 2)
    project = ScalingProjectFactory(programme=programme)
    for n in range(5):
        AdopterSiteFactory(project=project, structure=StructureFactory(name=f"Site {n}"))
    part = committee_pack.sites_part(project)
    assert (part.count, len(part.listed), part.more) == (5, 2, 3)


def test_the_file_is_named_after_the_body_and_the_day(steering_committee):
    meeting = MeetingFactory(body=steering_committee,
                             starts_at=timezone.make_aware(timezone.datetime(2026, 12, 1, 14)))
    assert committee_pack.filename(meeting, {}) == "comite-de-pilotage-tapaj-2026-12-01.pdf"


def test_who_may_ask_and_read(pipeline_cast, ines, steering_committee):
    meeting = MeetingFactory(body=steering_committee)
    people = {**pipeline_cast, "ines": ines}
    asks = {name for name, user in people.items()
            if committee_pack.may_request(user, meeting)}
    reads = {name for name, user in people.items() if committee_pack.may_read(user, meeting)}
    assert asks == {"alice", "admin"}
    assert reads == {"alice", "admin", "camille", "fanny", "paul", "ines"}


def test_actions_far_ahead_are_left_out_and_the_rest_counted(meeting, project, monkeypatch):
    monkeypatch.setattr(committee_pack, "ACTIONS_LISTED", 2)
    far = timezone.localdate() + timedelta(days=14 + committee_pack.ACTIONS_HORIZON_DAYS + 5)
    ActionItem.objects.create(project=project, title="Action lointaine", due_on=far)
    ActionItem.objects.create(project=project, title="Action sans date")
    ActionItem.objects.create(project=project, title="Autre action en retard",
                              due_on=timezone.localdate() - timedelta(days=1))

    context = committee_pack.build_context(meeting, {})

    # Two overdue, one due in 20 days, one undated: two listed, two more.
    assert [a.title for a in context["actions"]] == ["Préparer le bilan des formations",
                                                     "Autre action en retard"]
    assert context["actions_more"] == 2
    assert context["overdue_count"] == 2
    html = reports.render_html(reports.get_kind("committee_pack"), meeting, language="en")
    assert "And 2 more action items" in html and "Action lointaine" not in html
