"""Fixtures and helpers shared by the tests of calls, applications and reviews (no tests here).

Test modules import the fixtures they use from here, so that tests/innovations needs no
conftest of its own.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from innovations.models import Answer, Application, Call, Question, ReviewAssignment

from ..factories import (
    ApplicationFactory,
    CallFactory,
    CollegeFactory,
    CriterionFactory,
    MembershipFactory,
    PublishedInnovationFactory,
    QuestionFactory,
    ReviewAssignmentFactory,
    StructureFactory,
    SubmittedApplicationFactory,
    UserFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def codes(error: ValidationError) -> set[str]:
    """Every code a ValidationError carries, whether it is a dict, a list or a single error."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def pdf(name="projet.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploaded answers go to a throwaway folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def question(open_call):
    return open_call.questions.get()


@pytest.fixture
def file_question(open_call):
    return QuestionFactory(call=open_call, label="Votre bilan d'activité", kind=Question.Kind.FILE,
                           is_required=False)


@pytest.fixture
def colleges(open_call):
    return list(open_call.colleges.order_by("pk"))


@pytest.fixture
def criteria(open_call):
    return list(open_call.criteria.order_by("pk"))


@pytest.fixture
def draft_application(open_call, ines, ines_structure, question):
    application = ApplicationFactory(call=open_call, structure=ines_structure,
                                     title="TAPAJ Nièvre", created_by=ines)
    Answer.objects.create(application=application, question=question,
                          text="Les jeunes en errance.")
    return application


@pytest.fixture
def submitted_application(draft_application, ines):
    draft_application.status = Application.Status.SUBMITTED
    draft_application.submitted_at = timezone.now()
    draft_application.submitted_by = ines
    draft_application.save()
    return draft_application


@pytest.fixture
def eligible_application(submitted_application):
    submitted_application.status = Application.Status.ELIGIBLE
    submitted_application.save()
    return submitted_application


@pytest.fixture
def remi_assignment(eligible_application, remi, colleges, alice):
    return ReviewAssignmentFactory(application=eligible_application, reviewer=remi,
                                   college=colleges[0], assigned_by=alice)


@pytest.fixture
def draft_call(alice, ansa):
    call = CallFactory(title="Appel en préparation", organiser=ansa, managers=[alice],
                       published_at=None)
    return call


@pytest.fixture
def closed_call(alice, ansa):
    call = CallFactory(title="Appel clos", organiser=ansa, managers=[alice],
                       opens_at=timezone.now() - timedelta(days=60),
                       closes_at=timezone.now() - timedelta(days=1))
    QuestionFactory(call=call)
    CriterionFactory(call=call)
    CollegeFactory(call=call)
    return call


@pytest.fixture
def ami_call(alice, ansa):
    call = CallFactory(title="AMI essaimage 2019", organiser=ansa, managers=[alice],
                       kind=Call.Kind.EXPRESSIONS_OF_INTEREST,
                       scaling_plan=Call.ScalingPlan.NOT_ASKED)
    call.offered_innovations.set([PublishedInnovationFactory(title="TAPAJ"),
                                  PublishedInnovationFactory(title="Territoire zéro chômeur")])
    return call


def reviewer(**kwargs):
    """A person with an account who belongs to some other structure."""
    person = UserFactory(**kwargs)
    MembershipFactory(user=person, structure=StructureFactory())
    return person


def submitted(call, **kwargs):
    return SubmittedApplicationFactory(call=call, **kwargs)


def review(application, college, *, score=None, status=ReviewAssignment.Status.SUBMITTED,
           person=None):
    """A review with a given weighted score, as submit_review would have left it."""
    return ReviewAssignmentFactory(
        application=application, college=college, reviewer=person or reviewer(), status=status,
        weighted_score=score, submitted_at=timezone.now() if score is not None else None,
    )
