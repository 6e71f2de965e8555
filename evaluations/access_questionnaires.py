"""Who may read, change or answer a questionnaire.

The project's readers see a questionnaire and its summary, its staff change it, and only the
people it was sent to (the person, or the people of the site's structure) answer it.
"""

from django.db.models import Q
from django.http import Http404

from communities.models import Membership

from .models import Question, Questionnaire, QuestionnaireAssignment
from .permissions import get_in_readable_project_or_404

S = Questionnaire.Status


def get_questionnaire_for_user(user, pk, *, write=False) -> Questionnaire:
    """Return the questionnaire to the readers of its project, or to its staff when `write` is
    set; the people it is sent to answer it through their assignment, never here."""
    return get_in_readable_project_or_404(
        Questionnaire.objects.select_related("project__programme", "project__innovation__owner"),
        user, "project", write=write, pk=pk)


def get_question_for_user(user, pk) -> Question:
    """Return a question to the staff of its project (a 404 for anyone who may not read it)."""
    return get_in_readable_project_or_404(
        Question.objects.select_related("questionnaire__project__programme",
                                        "questionnaire__project__innovation__owner"),
        user, "questionnaire__project", write=True, pk=pk)


def respondent_assignments(user):
    """The assignments `user` answers: sent to them, or to a site of a structure they belong to,
    once the questionnaire is open (drafts were never sent)."""
    if not user.is_authenticated:
        return QuestionnaireAssignment.objects.none()
    member_of = Membership.objects.filter(user=user).values("structure")
    return (QuestionnaireAssignment.objects
            .filter(Q(person=user) | Q(site__structure__in=member_of))
            .exclude(questionnaire__status=S.DRAFT))


def get_assignment_for_respondent(user, pk) -> QuestionnaireAssignment:
    """Return the assignment if `user` is the one who answers it; a 404 for anyone else, staff
    included, so that nobody answers in a site's name."""
    assignment = (respondent_assignments(user)
                  .select_related("questionnaire__project", "site__structure", "site__territory",
                                  "peer_site__structure", "peer_site__territory", "person")
                  .filter(pk=pk).first())
    if assignment is None:
        raise Http404
    return assignment
