"""The other kinds of reminder: action items, reporting periods (and the escalation to staff),
reviews and draft applications before a call's deadlines, training sessions the day before.
Each: due, not due, paused or no longer true when it is sent."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from essaimage.models import SentReminder
from essaimage.reminders import NO_EMAIL, NO_LONGER_DUE, scan_reminders, send_reminder
from evaluations.models import SiteReport
from innovations.models import Application, ReviewAssignment
from programmes.models import ActionItem, Registration, TrainingSession

from ..factories import (
    ActionItemFactory,
    AdopterSiteFactory,
    ApplicationFactory,
    BodyMemberFactory,
    CallFactory,
    CollegeFactory,
    IndicatorFactory,
    MeetingFactory,
    ReportingPeriodFactory,
    ReviewAssignmentFactory,
    SiteReportFactory,
    SubmittedApplicationFactory,
    TrainingModuleFactory,
    TrainingRegistrationFactory,
    TrainingSessionFactory,
    UserFactory,
)

Status = SentReminder.Status


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def run_scan(django_capture_on_commit_callbacks):
    def run(now, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return scan_reminders(now, **kwargs)

    return run


def recipients(kind=None) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if kind is None or kind in m.subject)


def rows(kind) -> list[tuple[str, str]]:
    return sorted(SentReminder.objects.filter(kind=kind)
                  .values_list("recipient_email", "status"))


# --- Action items ------------------------------------------------------------------------------

# Due on Wednesday 10 March 2027: the owner hears on Monday the 8th at 09:00 in Paris (08:00
# UTC), the staff on Thursday the 11th if it is not done.
DUE = date(2027, 3, 10)
OWNER_DAY, OVERDUE_DAY = utc(2027, 3, 8, 8, 0), utc(2027, 3, 11, 8, 0)


@pytest.fixture
def action(project, bob):
    return ActionItemFactory(project=project, owner_user=bob, due_on=DUE,
                             title="Envoyer la convention signée")


def test_the_owner_is_reminded_two_days_before_the_due_date(run_scan, action, alice):
    run_scan(OWNER_DAY - timedelta(minutes=1))
    assert not mail.outbox
    run_scan(OWNER_DAY)
    assert recipients() == ["bob@example.org"]
    assert "Envoyer la convention signée" in mail.outbox[0].body
    assert f"/programmes/projets/{action.project_id}/actions/" in mail.outbox[0].body
    assert rows("action_due") == [("bob@example.org", Status.SENT)]


def test_staff_hear_of_an_overdue_action_once(run_scan, action, alice):
    action.project.staff_lead = UserFactory(email="lead@example.org")
    action.project.save()
    run_scan(OVERDUE_DAY)
    run_scan(OVERDUE_DAY + timedelta(hours=3))
    assert recipients() == ["alice@example.org", "lead@example.org"]
    assert "responsable : Bob Lefèvre" in mail.outbox[0].body
    # A new due date is a new occurrence.
    mail.outbox.clear()
    ActionItem.objects.filter(pk=action.pk).update(due_on=DUE + timedelta(days=7))
    run_scan(OVERDUE_DAY + timedelta(days=7))
    assert recipients() == ["alice@example.org", "lead@example.org"]


def test_done_actions_are_not_reminded(run_scan, action, alice):
    ActionItem.objects.filter(pk=action.pk).update(status=ActionItem.Status.DONE)
    run_scan(OWNER_DAY)
    run_scan(OVERDUE_DAY)
    assert not mail.outbox


def test_an_action_done_after_it_was_queued_is_not_sent(db, action):
    scan_reminders(OWNER_DAY, queue=False)
    ActionItem.objects.filter(pk=action.pk).update(status=ActionItem.Status.DONE)
    row = SentReminder.objects.get(kind="action_due")
    assert send_reminder(row.pk) == Status.SKIPPED
    row.refresh_from_db()
    assert row.error == NO_LONGER_DUE


def test_an_outside_owner_without_address_is_recorded_as_not_sent(
        run_scan, project, steering_committee):
    meeting = MeetingFactory(body=steering_committee)
    owner = BodyMemberFactory(body=steering_committee, user=None, name="Élise", email="")
    ActionItemFactory(project=project, meeting=meeting, owner=owner, owner_user=None,
                      due_on=DUE)
    run_scan(OWNER_DAY)
    row = SentReminder.objects.get(kind="action_due")
    assert (row.status, row.error) == (Status.SKIPPED, NO_EMAIL)


def test_actions_of_a_paused_committee_are_not_reminded(run_scan, project, steering_committee,
                                                        bob, alice):
    steering_committee.reminders_paused = True
    steering_committee.save()
    meeting = MeetingFactory(body=steering_committee)
    ActionItemFactory(project=project, meeting=meeting, owner_user=bob, due_on=DUE)
    run_scan(OWNER_DAY)
    run_scan(OVERDUE_DAY)
    assert not SentReminder.objects.exists()


# --- Reporting periods -------------------------------------------------------------------------

# The first quarter of 2025, due on 30 April 2025 (summer time: 09:00 in Paris is 07:00 UTC):
# sites hear on the 23rd and on 1 May, staff on 14 May (14 days after).
BEFORE, AFTER, ESCALATION = utc(2025, 4, 23, 7, 0), utc(2025, 5, 1, 7, 0), utc(2025, 5, 14, 7, 0)


@pytest.fixture
def period(project, bob_site, carol_site):
    IndicatorFactory(project=project)
    return ReportingPeriodFactory(project=project)


def test_sites_that_have_not_reported_are_reminded_a_week_before(run_scan, period, bob, carol):
    SiteReportFactory(site=period.project.sites.get(structure__name="Atelier Le Fil"),
                      period=period, status=SiteReport.Status.SUBMITTED,
                      submitted_at=utc(2025, 4, 20))
    run_scan(BEFORE - timedelta(seconds=1))
    assert not mail.outbox
    run_scan(BEFORE)
    assert recipients() == ["bob@example.org"]
    message = mail.outbox[0]
    assert "T1 2025" in message.subject
    bob_site = period.project.sites.get(structure__name="Essor Emploi Nièvre")
    assert f"/evaluations/sites/{bob_site.pk}/periodes/{period.pk}/" in message.body


def test_a_draft_report_still_counts_as_missing_and_overdue_sites_hear_again(
        run_scan, period, bob, carol):
    SiteReportFactory(site=period.project.sites.get(structure__name="Essor Emploi Nièvre"),
                      period=period, status=SiteReport.Status.DRAFT)
    run_scan(AFTER)
    assert recipients() == ["bob@example.org", "carol@example.org"]
    assert "l'échéance est passée" in mail.outbox[0].subject


def test_one_email_per_person_lists_all_their_sites(run_scan, period, bob, bob_structure):
    AdopterSiteFactory(project=period.project, structure=bob_structure, name="Antenne Cosne")
    run_scan(BEFORE)
    (message,) = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert "Antenne Cosne" in message.body and "Essor Emploi Nièvre" in message.body


def test_a_paused_site_is_not_reminded(run_scan, period, bob, carol):
    period.project.sites.filter(structure__name="Essor Emploi Nièvre").update(
        reminders_paused=True)
    run_scan(BEFORE)
    assert recipients() == ["carol@example.org"]


def test_staff_hear_of_the_sites_still_missing_after_the_escalation_delay(
        run_scan, period, bob, carol, alice):
    SiteReportFactory(site=period.project.sites.get(structure__name="Atelier Le Fil"),
                      period=period, status=SiteReport.Status.VALIDATED,
                      submitted_at=utc(2025, 5, 2), validated_at=utc(2025, 5, 3),
                      locked_at=utc(2025, 5, 3))
    run_scan(ESCALATION - timedelta(seconds=1))
    assert not SentReminder.objects.filter(kind="period_escalation").exists()
    run_scan(ESCALATION)
    (message,) = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert "1 site n'a pas déclaré" in message.subject
    assert "Essor Emploi Nièvre" in message.body and "Atelier Le Fil" not in message.body
    assert f"/evaluations/projets/{period.project_id}/periodes/" in message.body


def test_the_escalation_delay_is_a_setting(run_scan, period, alice, settings):
    settings.REMINDER_ESCALATION_DAYS = 3
    run_scan(utc(2025, 5, 3, 7, 0))
    assert rows("period_escalation") == [("alice@example.org", Status.SENT)]


def test_no_reminder_for_periods_no_site_reports(run_scan, project, bob_site, bob):
    IndicatorFactory(project=project, reported_by="staff")
    ReportingPeriodFactory(project=project)
    run_scan(BEFORE)
    assert not mail.outbox


def test_a_report_sent_after_the_reminder_was_queued_stops_it(db, period, bob, carol):
    scan_reminders(BEFORE, queue=False)
    SiteReportFactory(site=period.project.sites.get(structure__name="Essor Emploi Nièvre"),
                      period=period, status=SiteReport.Status.SUBMITTED,
                      submitted_at=utc(2025, 4, 24))
    row = SentReminder.objects.get(recipient_email="bob@example.org")
    assert send_reminder(row.pk) == Status.SKIPPED


# --- Reviews and draft applications ------------------------------------------------------------

CLOSES, REVIEWS_DUE = utc(2027, 3, 1, 11, 0), utc(2027, 3, 15, 17, 0)


@pytest.fixture
def call(ansa, alice):
    return CallFactory(title="AAP 2027", organiser=ansa, managers=[alice],
                       opens_at=utc(2027, 1, 1), closes_at=CLOSES, reviews_due_at=REVIEWS_DUE)


def test_reviewers_with_unfinished_reviews_are_reminded_three_days_before(run_scan, call, remi):
    college = CollegeFactory(call=call)
    for status in (ReviewAssignment.Status.PENDING, ReviewAssignment.Status.IN_PROGRESS):
        ReviewAssignmentFactory(application=SubmittedApplicationFactory(call=call),
                                reviewer=remi, college=college, status=status)
    done = UserFactory(email="done@example.org")
    ReviewAssignmentFactory(application=SubmittedApplicationFactory(call=call), reviewer=done,
                            college=college, status=ReviewAssignment.Status.SUBMITTED)
    run_scan(utc(2027, 3, 12, 7, 59))
    assert not mail.outbox
    run_scan(utc(2027, 3, 12, 8, 0))
    assert recipients() == ["remi@example.org"]
    assert "Il vous reste 2 évaluations à terminer" in mail.outbox[0].body
    assert "/relectures/" in mail.outbox[0].body


def test_calls_without_a_review_deadline_send_no_review_reminder(run_scan, call, remi):
    call.reviews_due_at = None
    call.save()
    ReviewAssignmentFactory(application=SubmittedApplicationFactory(call=call), reviewer=remi,
                            college=CollegeFactory(call=call))
    run_scan(utc(2027, 3, 12, 8, 0))
    assert not mail.outbox


def test_applicants_with_a_draft_are_reminded_three_days_before_the_call_closes(
        run_scan, call, ines, ines_structure, bob, bob_structure):
    draft = ApplicationFactory(call=call, structure=ines_structure, created_by=ines)
    ApplicationFactory(call=call, structure=bob_structure, created_by=bob,
                       status=Application.Status.SUBMITTED, submitted_at=utc(2027, 2, 1))
    run_scan(utc(2027, 2, 26, 8, 0))
    assert recipients() == ["ines@example.org"]
    assert f"/candidatures/{draft.pk}/modifier/" in mail.outbox[0].body
    assert SentReminder.objects.get().project_id is None


def test_a_draft_without_its_author_goes_to_the_structure_s_managers(
        run_scan, call, ines, ines_structure):
    ApplicationFactory(call=call, structure=ines_structure, created_by=None)
    run_scan(utc(2027, 2, 26, 8, 0))
    assert recipients() == ["ines@example.org"]


# --- Training sessions -------------------------------------------------------------------------


@pytest.fixture
def session(project):
    return TrainingSessionFactory(module=TrainingModuleFactory(project=project, title="Accueil"),
                                  starts_at=utc(2027, 3, 10, 13, 0))


def test_registered_people_are_reminded_the_day_before(run_scan, session, bob, bob_site, carol,
                                                       carol_site):
    TrainingRegistrationFactory(session=session, person=bob, site=bob_site)
    TrainingRegistrationFactory(session=session, person=carol, site=carol_site,
                                status=Registration.Status.WAITING_LIST)
    run_scan(utc(2027, 3, 9, 8, 0))
    assert recipients() == ["bob@example.org"]
    assert "Demain : session de formation « Accueil »" in mail.outbox[0].subject
    assert f"/programmes/sessions/{session.pk}/" in mail.outbox[0].body


def test_a_paused_site_or_a_cancelled_session_is_not_reminded(run_scan, session, bob, bob_site):
    TrainingRegistrationFactory(session=session, person=bob, site=bob_site)
    bob_site.reminders_paused = True
    bob_site.save()
    run_scan(utc(2027, 3, 9, 8, 0))
    bob_site.reminders_paused = False
    bob_site.save()
    TrainingSession.objects.filter(pk=session.pk).update(status=TrainingSession.Status.CANCELLED)
    run_scan(utc(2027, 3, 9, 8, 30))
    assert not SentReminder.objects.exists()
