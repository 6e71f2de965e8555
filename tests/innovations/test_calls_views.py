"""Every page of calls, applications and reviews, for every role of the cast."""

from datetime import timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from innovations.models import Answer, Application, Call, Innovation, ReviewAssignment

from ..factories import (
    CallFactory,
    QuestionFactory,
    ReviewAssignmentFactory,
    SubmittedApplicationFactory,
)
from .test_calls_support import (  # noqa: F401  (fixtures)
    _private_media,
    ami_call,
    closed_call,
    colleges,
    criteria,
    draft_application,
    draft_call,
    eligible_application,
    file_question,
    pdf,
    question,
    remi_assignment,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

EVERYONE = ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin", "ines"]


@pytest.fixture
def people(cast, ines):
    return {**cast, "ines": ines}


@pytest.fixture
def world(people, open_call, draft_call, remi_assignment, file_question):
    """One of each object: a published and a draft call, ines's eligible application to the
    published one with a file answer, and remi reviewing it."""
    application = remi_assignment.application
    answer = Answer(application=application, question=file_question)
    answer.file.save("bilan.pdf", pdf(), save=True)
    return {
        "call": open_call.pk,
        "draft_call": draft_call.pk,
        "application": application.pk,
        "file_question": file_question.pk,
        "assignment": remi_assignment.pk,
    }


def expect(default, **overrides):
    """Expected status per person: `default` for everyone, except those named."""
    return {name: overrides.get(name, default) for name in EVERYONE}


STAFF_ONLY = expect(403, alice=200, admin=200)
STAFF_ONLY_POST = expect(403, alice=302, admin=302)

# (url name, argument key in `world`, method, expected status per person)
MATRIX = [
    ("call_list", None, "get", expect(200)),
    ("call_create", None, "get", expect(403, alice=200, admin=200)),
    ("call_detail", "call", "get", expect(200)),
    ("call_detail", "draft_call", "get", expect(404, alice=200, admin=200)),
    ("call_update", "call", "get", STAFF_ONLY),
    ("call_update", "draft_call", "get", expect(404, alice=200, admin=200)),
    ("call_questions", "call", "get", STAFF_ONLY),
    ("call_questions", "draft_call", "get", expect(404, alice=200, admin=200)),
    ("call_rubric", "call", "get", STAFF_ONLY),
    ("call_extend", "call", "get", STAFF_ONLY),
    ("call_applications", "call", "get", STAFF_ONLY),
    ("call_assign", "call", "get", STAFF_ONLY),
    ("call_ranking", "call", "get", STAFF_ONLY),
    ("call_ranking", "draft_call", "get", expect(404, alice=200, admin=200)),
    ("application_start", "call", "get", expect(200)),
    ("application_start", "draft_call", "get", expect(404, alice=200, admin=200)),
    ("application_list", None, "get", expect(200)),
    ("application_detail", "application", "get", expect(404, alice=200, admin=200, ines=200,
                                                         remi=200)),
    # Submitted: its applicants are sent to the read-only page; staff may read, not write.
    ("application_edit", "application", "get", expect(404, ines=302, alice=403, admin=403,
                                                      remi=403)),
    ("application_submit", "application", "post", expect(404, ines=302, alice=403, admin=403,
                                                          remi=403)),
    ("application_screen", "application", "post", expect(404, alice=302, admin=302, ines=403,
                                                          remi=403)),
    ("application_decide", "application", "post", expect(404, alice=302, admin=302, ines=403,
                                                          remi=403)),
    ("assignment_remove", "assignment", "post", expect(404, alice=302, admin=302, remi=403)),
    ("review_list", None, "get", expect(200)),
    ("review_form", "assignment", "get", expect(404, remi=200)),
    ("review_conflict", "assignment", "get", expect(404, remi=200)),
]


POST_DATA = {
    "application_screen": {"is_eligible": "yes", "note": "Conforme."},
    "application_decide": {"decision": "waiting_list", "message": "Merci."},
}


@pytest.mark.parametrize(("name", "arg", "method", "expected"), MATRIX,
                         ids=[f"{m[0]}-{m[1]}-{m[2]}" for m in MATRIX])
def test_every_view_for_every_role(client, people, world, name, arg, method, expected):
    url = reverse(f"innovations:{name}", args=[world[arg]] if arg else [])
    client.logout()
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"], name
    for person, status in expected.items():
        client.force_login(people[person])
        # Each person meets the world as it was: what the previous one changed is undone.
        with transaction.atomic():
            response = getattr(client, method)(url, POST_DATA.get(name, {}))
            transaction.set_rollback(True)
        assert response.status_code == status, (name, person, response.status_code)


@pytest.mark.parametrize("person, status", [
    ("ines", 200), ("alice", 200), ("remi", 200), ("admin", 200),
    ("bob", 404), ("oscar", 404), ("fanny", 404),
])
def test_answer_files_only_for_those_who_see_the_application(client, people, world, person,
                                                             status):
    client.force_login(people[person])
    url = reverse("innovations:answer_file", args=[world["application"], world["file_question"]])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


POST_ONLY = ["call_publish", "application_submit", "application_screen", "application_decide",
             "assignment_remove"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_state_changes_refuse_get(client, alice, world, name):
    arg = {"call_publish": "draft_call", "assignment_remove": "assignment"}.get(name,
                                                                              "application")
    client.force_login(alice)
    assert client.get(reverse(f"innovations:{name}", args=[world[arg]])).status_code == 405


def test_state_changes_need_the_csrf_token(people, world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["alice"])
    posts = [
        ("call_publish", world["draft_call"], {}),
        ("application_screen", world["application"], {"is_eligible": "no"}),
        ("application_decide", world["application"], {"decision": "selected"}),
        ("assignment_remove", world["assignment"], {}),
        ("call_update", world["call"], {"action": "add_manager", "email": "bob@example.org"}),
    ]
    for name, pk, data in posts:
        assert client.post(reverse(f"innovations:{name}", args=[pk]), data).status_code == 403
    client.force_login(people["remi"])
    assert client.post(reverse("innovations:review_form", args=[world["assignment"]]),
                       {"action": "submit"}).status_code == 403
    assert ReviewAssignment.objects.filter(pk=world["assignment"]).exists()
    assert not Call.objects.get(pk=world["draft_call"]).is_published


def test_a_reviewer_never_sees_an_application_after_declaring_a_conflict(client, remi,
                                                                          remi_assignment):
    client.force_login(remi)
    response = client.post(reverse("innovations:review_conflict", args=[remi_assignment.pk]),
                           {"reason": "Je siège au conseil d'administration de TAPAJ."})
    assert response.status_code == 302
    remi_assignment.refresh_from_db()
    assert remi_assignment.status == ReviewAssignment.Status.CONFLICT
    application = remi_assignment.application
    assert client.get(application.get_absolute_url()).status_code == 404
    review = client.get(reverse("innovations:review_form", args=[remi_assignment.pk]))
    assert review.status_code == 200
    assert "application" not in review.context
    assert application.title.encode() not in review.content
    listing = client.get(reverse("innovations:review_list"))
    assert application.title.encode() not in listing.content
    # Scoring after the conflict is refused and changes nothing.
    client.post(reverse("innovations:review_form", args=[remi_assignment.pk]),
                {"action": "submit", f"score_{application.call.criteria.first().pk}": "5"})
    assert not remi_assignment.scores.exists()


def test_an_applicant_sees_only_their_structures_applications(client, ines, bob,
                                                              submitted_application):
    other = SubmittedApplicationFactory(call=submitted_application.call)
    client.force_login(ines)
    listing = client.get(reverse("innovations:application_list"))
    assert [a.pk for a in listing.context["page"].object_list] == [submitted_application.pk]
    assert client.get(other.get_absolute_url()).status_code == 404
    client.force_login(bob)
    assert list(client.get(reverse("innovations:application_list")).context["page"]) == []


def test_staff_see_only_the_applications_of_their_calls(client, alice, submitted_application):
    elsewhere = SubmittedApplicationFactory()
    client.force_login(alice)
    assert client.get(submitted_application.get_absolute_url()).status_code == 200
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    assert client.get(reverse("innovations:call_applications",
                              args=[elsewhere.call_id])).status_code == 403


# --- Setting up a call through the pages ---------------------------------------------------------


def datetime_local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_staff_create_a_call_and_manage_it(client, alice, ansa):
    client.force_login(alice)
    now = timezone.now()
    response = client.post(reverse("innovations:call_create"), {
        "kind": "projects", "title": "Appel 2026", "description": "Repérer.",
        "organiser": ansa.pk, "opens_at": datetime_local(now),
        "closes_at": datetime_local(now + timedelta(days=20)), "scaling_plan": "required",
        "eligible_kinds": ["association", "local_authority"],
        "eligible_territories": [department_pk("58")],
    })
    call = Call.objects.get(title="Appel 2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("innovations:call_questions", args=[call.pk])
    assert list(call.managers.all()) == [alice]
    assert call.eligible_kinds == ["association", "local_authority"]
    assert call.scaling_plan == "required"
    assert not call.is_published


def department_pk(code):
    from ..factories import department

    return department(code).pk


def test_a_call_that_closes_before_opening_keeps_the_input(client, alice, ansa):
    client.force_login(alice)
    now = timezone.now()
    response = client.post(reverse("innovations:call_create"), {
        "kind": "projects", "title": "Appel à l'envers", "description": "Oups.",
        "organiser": ansa.pk, "opens_at": datetime_local(now),
        "closes_at": datetime_local(now - timedelta(days=2)), "scaling_plan": "rewarded",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["closes_at"]] == ["closes_before_opening"]
    assert form["title"].value() == "Appel à l'envers"
    assert not Call.objects.filter(title="Appel à l'envers").exists()


def test_staff_cannot_organise_for_a_structure_they_do_not_belong_to(client, alice,
                                                                    bob_structure):
    client.force_login(alice)
    now = timezone.now()
    response = client.post(reverse("innovations:call_create"), {
        "kind": "projects", "title": "Appel", "description": "x", "organiser": bob_structure.pk,
        "opens_at": datetime_local(now), "closes_at": datetime_local(now + timedelta(days=2)),
        "scaling_plan": "rewarded",
    })
    assert response.status_code == 200
    assert "organiser" in response.context["form"].errors


def test_managers_are_added_and_removed_from_the_settings_page(client, alice, bob, open_call):
    client.force_login(alice)
    url = reverse("innovations:call_update", args=[open_call.pk])
    assert client.post(url, {"action": "add_manager", "email": bob.email}).status_code == 302
    assert set(open_call.managers.all()) == {alice, bob}
    unknown = client.post(url, {"action": "add_manager", "email": "personne@example.org"})
    assert [e.code for e in unknown.context["manager_form"].errors.as_data()["email"]] == [
        "unknown_person"]
    client.post(url, {"action": "remove_manager", "person": bob.pk})
    client.post(url, {"action": "remove_manager", "person": alice.pk})
    assert list(open_call.managers.all()) == [alice]


def test_published_dates_are_not_changed_by_the_settings_form(client, alice, open_call):
    client.force_login(alice)
    closes_at = open_call.closes_at
    response = client.post(reverse("innovations:call_update", args=[open_call.pk]), {
        "action": "save", "kind": "interest", "title": "Titre revu", "description": "Texte",
        "organiser": open_call.organiser_id, "scaling_plan": "rewarded",
        "opens_at": "2020-01-01T00:00", "closes_at": "2020-01-02T00:00",
    })
    assert response.status_code == 302
    open_call.refresh_from_db()
    assert open_call.title == "Titre revu"
    assert open_call.closes_at == closes_at
    assert open_call.kind == Call.Kind.PROJECTS


def formset_data(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def test_the_application_form_is_written_in_a_formset(client, alice, draft_call):
    client.force_login(alice)
    url = reverse("innovations:call_questions", args=[draft_call.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, formset_data("questions", [
        {"label": "Budget", "kind": "number", "is_required": "on", "order": "1"},
        {"label": "Statut", "kind": "choice", "choices": "Association\nSCOP\n", "order": "2"},
        {"label": "", "kind": "text", "order": "0", "is_required": "on"},  # untouched extra row
    ]))
    assert response.status_code == 302
    questions = list(draft_call.questions.order_by("order"))
    assert [(q.label, q.kind, q.is_required) for q in questions] == [
        ("Budget", "number", True), ("Statut", "choice", False)]
    assert questions[1].choices == ["Association", "SCOP"]
    bad = client.post(url, formset_data("questions", [
        {"label": "Choix", "kind": "choice", "choices": "Seul", "order": "3"}]))
    assert bad.status_code == 200
    assert draft_call.questions.count() == 2


def test_the_rubric_and_colleges_are_edited_together(client, alice, draft_call):
    client.force_login(alice)
    url = reverse("innovations:call_rubric", args=[draft_call.pk])
    data = {
        **formset_data("criteria", [
            {"name": "Impact", "weight": "1,5", "max_score": "5", "order": "1"},
            {"name": "Réplicabilité", "weight": "1", "max_score": "10", "order": "2"}]),
        **formset_data("colleges", [{"name": "Innovateurs"}, {"name": "Usagers"}]),
    }
    assert client.post(url, data).status_code == 302
    assert sorted(draft_call.criteria.values_list("weight", flat=True)) == [
        Decimal("1"), Decimal("1.5")]
    assert draft_call.colleges.count() == 2
    zero = {**formset_data("criteria", [{"name": "Nul", "weight": "0", "max_score": "5"}]),
            **formset_data("colleges", [])}
    response = client.post(url, zero)
    assert response.status_code == 200
    assert draft_call.criteria.count() == 2


def test_publishing_an_incomplete_call_is_refused(client, alice, draft_call):
    client.force_login(alice)
    response = client.post(reverse("innovations:call_publish", args=[draft_call.pk]))
    assert response.status_code == 302
    draft_call.refresh_from_db()
    assert not draft_call.is_published
    detail = client.get(draft_call.get_absolute_url())
    assert {e.code for e in detail.context["missing"]} == {"no_question", "no_criterion",
                                                           "no_college"}


def test_staff_extend_a_closed_call(client, alice, closed_call):
    client.force_login(alice)
    url = reverse("innovations:call_extend", args=[closed_call.pk])
    too_early = client.post(url, {"closes_at": datetime_local(closed_call.closes_at
                                                              - timedelta(days=1))})
    assert too_early.status_code == 200
    assert "closes_at" in too_early.context["form"].errors
    later = timezone.now() + timedelta(days=10)
    assert client.post(url, {"closes_at": datetime_local(later)}).status_code == 302
    closed_call.refresh_from_db()
    assert closed_call.is_open


# --- Applying through the pages ------------------------------------------------------------------


def test_an_innovator_applies_saves_a_draft_and_submits(client, ines, ines_structure, open_call,
                                                        question):
    number = QuestionFactory(call=open_call, kind="number", label="Budget", is_required=True)
    client.force_login(ines)
    assert client.get(open_call.get_absolute_url()).context["has_structure"]
    response = client.post(reverse("innovations:application_start", args=[open_call.pk]),
                           {"structure": ines_structure.pk, "title": "TAPAJ Gironde"})
    application = Application.objects.get()
    assert response["Location"] == reverse("innovations:application_edit",
                                           args=[application.pk])
    edit = reverse("innovations:application_edit", args=[application.pk])
    fields = {"title": "TAPAJ Gironde", "summary": "Travail alternatif payé à la journée.",
              f"question_{number.pk}": "1 234,5", "territory": ines_structure.department_id,
              "scaling_plan": ""}
    assert client.post(edit, fields).status_code == 302
    assert application.answers.get(question=number).number == Decimal("1234.50")
    # Submitting without the required answer keeps the draft and shows what is missing.
    submit = reverse("innovations:application_submit", args=[application.pk])
    response = client.post(submit, fields)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors[f"question_{question.pk}"]] == ["missing_answer"]
    application.refresh_from_db()
    assert application.is_draft
    assert application.summary.startswith("Travail")
    response = client.post(submit, {**fields, f"question_{question.pk}": "Les jeunes."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_by == ines
    # Submitted: read-only from now on.
    assert client.get(edit).status_code == 302
    assert client.get(application.get_absolute_url()).status_code == 200


def test_starting_again_resumes_the_draft(client, ines, ines_structure, draft_application):
    client.force_login(ines)
    response = client.post(reverse("innovations:application_start",
                                   args=[draft_application.call_id]),
                           {"structure": ines_structure.pk})
    assert response["Location"] == reverse("innovations:application_edit",
                                           args=[draft_application.pk])
    assert Application.objects.count() == 1


def test_an_ineligible_structure_is_told_why(client, ines, ines_structure, open_call):
    open_call.eligible_kinds = ["local_authority"]
    open_call.save()
    client.force_login(ines)
    response = client.post(reverse("innovations:application_start", args=[open_call.pk]),
                           {"structure": ines_structure.pk})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["structure"]] == [
        "not_eligible"]
    assert not Application.objects.exists()


def test_nobody_applies_for_a_structure_of_others(client, bob, bob_structure, ines_structure,
                                                  open_call):
    client.force_login(bob)
    response = client.post(reverse("innovations:application_start", args=[open_call.pk]),
                           {"structure": ines_structure.pk})
    assert response.status_code == 200
    assert "structure" in response.context["form"].errors
    assert not Application.objects.exists()


def test_late_submission_is_refused_and_names_the_deadline(client, ines, draft_application):
    call = draft_application.call
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    client.force_login(ines)
    response = client.post(reverse("innovations:application_submit",
                                   args=[draft_application.pk]),
                           {"title": draft_application.title})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    assert [e.code for e in errors] == ["deadline_passed"]
    call.refresh_from_db()
    from innovations.services.calls import format_deadline

    assert format_deadline(call.closes_at) in errors[0].message
    assert response.context["deadline_passed"]
    draft_application.refresh_from_db()
    assert draft_application.is_draft


def test_a_file_that_is_not_what_it_claims_is_refused(client, ines, draft_application,
                                                      file_question):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ines)
    fake = SimpleUploadedFile("bilan.pdf", b"<html>not a pdf</html>")
    response = client.post(reverse("innovations:application_edit", args=[draft_application.pk]),
                           {"title": "TAPAJ", f"question_{file_question.pk}": fake})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()[
        f"question_{file_question.pk}"]] == ["file_content"]
    assert not Answer.objects.filter(question=file_question).exists()
    good = client.post(reverse("innovations:application_edit", args=[draft_application.pk]),
                       {"title": "TAPAJ", f"question_{file_question.pk}": pdf()})
    assert good.status_code == 302
    assert Answer.objects.get(question=file_question).file


def test_an_expression_of_interest_through_the_pages(client, ines, ines_structure, ami_call):
    client.force_login(ines)
    client.post(reverse("innovations:application_start", args=[ami_call.pk]),
                {"structure": ines_structure.pk})
    application = Application.objects.get()
    tapaj = ami_call.offered_innovations.get(title="TAPAJ")
    response = client.post(reverse("innovations:application_submit", args=[application.pk]), {
        "title": application.title, f"adopt_{tapaj.pk}": "on",
        f"motivation_{tapaj.pk}": "Des jeunes en errance à Bordeaux.",
        f"capacity_{tapaj.pk}": "Un éducateur, un local.",
    })
    assert response.status_code == 302
    choice = application.adoption_choices.get()
    assert choice.innovation == tapaj
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


# --- Screening, reviewers and decisions through the pages ----------------------------------------


def test_staff_screen_from_the_list(client, alice, submitted_application):
    client.force_login(alice)
    url = reverse("innovations:application_screen", args=[submitted_application.pk])
    back = reverse("innovations:call_applications", args=[submitted_application.call_id])
    response = client.post(url, {"is_eligible": "no", "note": "Hors champ", "next": back})
    assert response["Location"] == back
    submitted_application.refresh_from_db()
    assert submitted_application.status == Application.Status.INELIGIBLE
    # An outside `next` is ignored.
    response = client.post(url, {"is_eligible": "yes", "next": "https://evil.example/"})
    assert response["Location"] == submitted_application.get_absolute_url()


def test_bulk_assignment_through_the_page(client, alice, remi, ines, eligible_application,
                                         colleges, django_capture_on_commit_callbacks):
    other = SubmittedApplicationFactory(call=eligible_application.call)
    client.force_login(alice)
    url = reverse("innovations:call_assign", args=[eligible_application.call_id])
    page = client.get(url, {"applications": [str(other.pk), "x"]})
    assert page.context["selected_ids"] == {str(other.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {
            "applications": [eligible_application.pk, other.pk],
            "emails": f"{remi.email}\n{ines.email.upper()}", "college": colleges[1].pk,
        })
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(reviewer=remi).count() == 2
    # ines belongs to the structure of eligible_application: only the other one for her.
    assert list(ReviewAssignment.objects.filter(reviewer=ines).values_list(
        "application", flat=True)) == [other.pk]
    assert len(mail.outbox) == 3
    unknown = client.post(url, {"applications": [other.pk], "emails": "nobody@example.org",
                                "college": colleges[1].pk})
    assert unknown.status_code == 200
    assert [e.code for e in unknown.context["form"].errors.as_data()["emails"]] == [
        "unknown_person"]


def test_a_submitted_review_cannot_be_withdrawn(client, alice, remi_assignment):
    remi_assignment.status = ReviewAssignment.Status.SUBMITTED
    remi_assignment.weighted_score = Decimal("70")
    remi_assignment.save()
    client.force_login(alice)
    client.post(reverse("innovations:assignment_remove", args=[remi_assignment.pk]))
    assert ReviewAssignment.objects.filter(pk=remi_assignment.pk).exists()


def test_the_decision_is_emailed_to_the_applicants_in_their_language(
        client, alice, ines, eligible_application, django_capture_on_commit_callbacks):
    from communities.models import Membership

    from ..factories import MembershipFactory, UserFactory

    structure = eligible_application.structure
    english = UserFactory(email="manager@example.org", language="en")
    MembershipFactory(user=english, structure=structure, role=Membership.Role.MANAGER)
    MembershipFactory(user=UserFactory(email="member@example.org"), structure=structure)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("innovations:application_decide", args=[eligible_application.pk]),
            {"decision": "selected", "message": "Bravo, rendez-vous le 3 mars."})
    assert response.status_code == 302
    eligible_application.refresh_from_db()
    innovation = eligible_application.innovation
    assert isinstance(innovation, Innovation)
    assert eligible_application.decided_by == alice
    assert sorted(m.to[0] for m in mail.outbox) == ["ines@example.org", "manager@example.org"]
    for message in mail.outbox:
        assert "Bravo, rendez-vous le 3 mars." in message.body
        assert innovation.get_absolute_url() in message.body
        assert eligible_application.get_absolute_url() in message.body
    by_address = {m.to[0]: m for m in mail.outbox}
    assert (by_address["ines@example.org"].body.splitlines()[0]
            != by_address["manager@example.org"].body.splitlines()[0])
    # The applicant reads the decision and reaches the new draft record.
    assert Innovation.objects.visible_to(ines).filter(pk=innovation.pk).exists()
    assert Innovation.objects.visible_to(alice).filter(pk=innovation.pk).exists()
    client.force_login(ines)
    detail = client.get(eligible_application.get_absolute_url())
    assert detail.status_code == 200
    assert detail.context["application"].innovation == innovation


def test_a_decision_can_be_changed_and_history_shows_both(client, alice, eligible_application,
                                                         django_capture_on_commit_callbacks):
    client.force_login(alice)
    url = reverse("innovations:application_decide", args=[eligible_application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "waiting_list", "message": "En attente."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "rejected", "message": "Désolés."})
    detail = client.get(eligible_application.get_absolute_url())
    assert [r.status for r in detail.context["decision_history"]] == ["rejected",
                                                                      "waiting_list"]
    assert len(mail.outbox) == 2


def test_deciding_on_an_unscreened_application_shows_the_refusal(client, alice,
                                                                submitted_application):
    client.force_login(alice)
    response = client.post(
        reverse("innovations:application_decide", args=[submitted_application.pk]),
        {"decision": "selected", "message": "Trop tôt"})
    assert response.status_code == 200
    assert [e.code for e in response.context["decision_form"].non_field_errors().as_data()] == [
        "not_screened"]
    assert response.context["decision_form"]["message"].value() == "Trop tôt"


def test_a_reviewer_scores_saves_and_submits(client, remi, remi_assignment, criteria):
    client.force_login(remi)
    url = reverse("innovations:review_form", args=[remi_assignment.pk])
    page = client.get(url)
    assert page.context["application"] == remi_assignment.application
    too_high = client.post(url, {"action": "save", f"score_{criteria[0].pk}": "6"})
    assert too_high.status_code == 200
    assert f"score_{criteria[0].pk}" in too_high.context["form"].errors
    saved = client.post(url, {"action": "save", f"score_{criteria[0].pk}": "4",
                              f"comment_{criteria[0].pk}": "Solide", "comment": "Bien"})
    assert saved.status_code == 302
    incomplete = client.post(url, {"action": "submit", f"score_{criteria[0].pk}": "4"})
    assert incomplete.status_code == 200
    assert [e.code for e in incomplete.context["form"].errors.as_data()[
        f"score_{criteria[1].pk}"]] == ["missing_score"]
    done = client.post(url, {"action": "submit", f"score_{criteria[0].pk}": "4",
                             f"score_{criteria[1].pk}": "3"})
    assert done.status_code == 302
    remi_assignment.refresh_from_db()
    assert remi_assignment.weighted_score == Decimal("73.33")
    again = client.post(url, {"action": "submit", f"score_{criteria[0].pk}": "0",
                              f"score_{criteria[1].pk}": "0"})
    assert again.status_code == 302
    remi_assignment.refresh_from_db()
    assert remi_assignment.weighted_score == Decimal("73.33")
    assert client.get(url).status_code == 200


# --- Lists and their query counts -----------------------------------------------------------------


def call_list_queries(client, user, django_assert_max_num_queries):
    client.force_login(user)
    # session, user, the roles behind "New call" (none for staff), count, page, themes
    with django_assert_max_num_queries(8) as context:
        response = client.get(reverse("innovations:call_list"))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_call_list_query_count_does_not_grow(client, alice, ines, ansa,
                                                 django_assert_max_num_queries):
    from ..factories import ThemeFactory

    theme = ThemeFactory()

    def add(count):
        for index in range(count):
            call = CallFactory(organiser=ansa, managers=[alice] if index % 2 else [],
                               published_at=None if index % 5 == 0 else timezone.now())
            call.themes.add(theme)
            SubmittedApplicationFactory(call=call)

    add(5)
    small = {user: call_list_queries(client, user, django_assert_max_num_queries)
             for user in (alice, ines)}
    add(35)
    large = {user: call_list_queries(client, user, django_assert_max_num_queries)
             for user in (alice, ines)}
    assert small == large


def test_the_call_list_shows_open_calls_and_the_managers_drafts(client, alice, ines, open_call,
                                                                draft_call, closed_call):
    client.force_login(ines)
    assert [c.pk for c in client.get(reverse("innovations:call_list")).context["page"]] == [
        open_call.pk]
    client.force_login(alice)
    listed = [c.pk for c in client.get(reverse("innovations:call_list")).context["page"]]
    assert listed == [open_call.pk, draft_call.pk, closed_call.pk]
    drafts = client.get(reverse("innovations:call_list"), {"state": "draft"})
    assert [c.pk for c in drafts.context["page"]] == [draft_call.pk]


def test_the_applications_list_query_count_does_not_grow(client, alice, open_call, colleges,
                                                         django_assert_max_num_queries):
    def add(count):
        for index in range(count):
            application = SubmittedApplicationFactory(
                call=open_call, status=["submitted", "eligible", "ineligible"][index % 3])
            ReviewAssignmentFactory(application=application, college=colleges[index % 2])

    def queries():
        client.force_login(alice)
        # session, user, call, manager check, count, page, its reviews, status counts
        with django_assert_max_num_queries(9) as context:
            response = client.get(reverse("innovations:call_applications", args=[open_call.pk]))
        assert response.status_code == 200
        return len(context.captured_queries)

    add(5)
    small = queries()
    add(35)
    assert queries() == small


def test_the_review_and_application_lists_query_counts_do_not_grow(
        client, remi, ines, ines_structure, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            ReviewAssignmentFactory(reviewer=remi)
            SubmittedApplicationFactory(structure=ines_structure)

    def queries(user, name):
        client.force_login(user)
        with django_assert_max_num_queries(6) as context:
            assert client.get(reverse(f"innovations:{name}")).status_code == 200
        return len(context.captured_queries)

    add(3)
    small = (queries(remi, "review_list"), queries(ines, "application_list"))
    add(30)
    assert (queries(remi, "review_list"), queries(ines, "application_list")) == small



def test_a_reviewer_sees_only_the_applications_assigned_to_them(client, remi, remi_assignment):
    unassigned = SubmittedApplicationFactory(call=remi_assignment.application.call,
                                             status="eligible")
    client.force_login(remi)
    assert client.get(remi_assignment.application.get_absolute_url()).status_code == 200
    assert client.get(unassigned.get_absolute_url()).status_code == 404
    other = ReviewAssignmentFactory(application=unassigned)
    assert client.get(reverse("innovations:review_form", args=[other.pk])).status_code == 404


def test_dates_are_typed_and_shown_in_paris_time(client, alice, ansa):
    client.force_login(alice)
    client.post(reverse("innovations:call_create"), {
        "kind": "projects", "title": "Appel d'hiver", "description": "x", "organiser": ansa.pk,
        "opens_at": "2030-01-10T09:00", "closes_at": "2030-01-15T12:00",
        "scaling_plan": "rewarded",
    })
    call = Call.objects.get(title="Appel d'hiver")
    # Winter in Paris is UTC+1.
    assert call.closes_at.astimezone(dt_timezone.utc).strftime("%Y-%m-%d %H:%M") == (
        "2030-01-15 11:00")
    page = client.get(call.get_absolute_url())
    assert "12:00" in page.content.decode()
