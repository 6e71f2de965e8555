"""Reading co-development sessions: a space's sessions, one session with its consultants
and contributions, the people a session can be run with."""

from dataclasses import dataclass

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from ..models import CodevContribution, CodevSession, Space
from .events import people_of_spaces

S = CodevSession.Step


@dataclass(frozen=True)
class StepGuide:
    expected: str
    writer: str


# What each step expects and who writes, shown at the step.
STEP_GUIDE = {
    S.PROBLEM: StepGuide(
        _("The case-holder states the situation: what happens, what is at stake for them, "
          "what they have tried."),
        _("The case-holder writes the problem statement.")),
    S.CLARIFICATION: StepGuide(
        _("The consultants ask questions to understand the situation better, without giving "
          "advice yet. The case-holder answers aloud."),
        _("The consultants add their clarifying questions.")),
    S.CONTRACT: StepGuide(
        _("The case-holder says what they expect from the group: the question they put, the "
          "kind of help they want."),
        _("The case-holder writes the consultation contract.")),
    S.ADVICE: StepGuide(
        _("The consultants share their reactions, ideas and advice, drawn from their own "
          "experience. The case-holder listens and does not answer yet."),
        _("The consultants add their reactions and advice.")),
    S.ACTION_PLAN: StepGuide(
        _("The case-holder says what they keep from the advice and what they will do, by "
          "when."),
        _("The case-holder writes the synthesis and the action plan.")),
    S.LESSONS: StepGuide(
        _("Everyone says what they learnt, for themselves and for their site."),
        _("The facilitator records the lessons; everyone of the session can write them.")),
    S.CLOSED: StepGuide(
        _("The session is over. Its texts stay here to be read."),
        _("Nobody: a closed session is read-only.")),
}


def sessions_of(space: Space):
    """A space's sessions, the latest first, with their consultants counted."""
    return (space.codev_sessions.select_related("case_holder", "facilitator")
            .annotate(consultant_count=Count("consultants"))
            .order_by(F("scheduled_at").desc(nulls_first=True), "-created_at", "-pk"))


def people_of_space(space: Space):
    """The people a session of this space can be brought by or facilitated by."""
    return people_of_spaces([space.pk])


@dataclass
class StepView:
    number: int
    label: str
    state: str  # done, current, todo

    @property
    def is_current(self) -> bool:
        return self.state == "current"


def steps_of(session: CodevSession) -> list[StepView]:
    """The six steps of the method, with where the session stands."""
    steps = []
    for step in S:
        if step == S.CLOSED:
            continue
        state = ("done" if step < session.step else
                 "current" if step == session.step else "todo")
        steps.append(StepView(int(step), str(step.label), state))
    return steps


def contributions_of(session: CodevSession) -> dict[str, list[CodevContribution]]:
    """The questions and the advice, each in the order they were given."""
    result = {CodevContribution.Kind.QUESTION: [], CodevContribution.Kind.ADVICE: []}
    for contribution in session.contributions.select_related("author").order_by(
            "created_at", "pk"):
        result[contribution.kind].append(contribution)
    return result


def consultants_of(session: CodevSession) -> list:
    return list(session.consultants.order_by("last_name", "first_name", "pk"))
