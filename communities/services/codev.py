"""Co-development sessions: a case-holder brings a problem, consultants of the space join, the
facilitator runs the six steps of the method; the session keeps the problem statement, the
questions and advice given, the case-holder's action plan and what everyone learnt.

Who may write what, and when, is written once here (WHO_WRITES, TEXT_STEP, CONTRIBUTION_STEP):
a person without the role is refused (PermissionDenied, a 403), a right person at the wrong
step gets a message saying which step the session is at.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import MESSAGE_MAX_LENGTH, CodevContribution, CodevSession, Space
from ..permissions import can_moderate_space, can_read_space, codev_access
from ..selectors.events import people_of_spaces

S = CodevSession.Step
K = CodevContribution.Kind

# The texts of the session, the step each is written at, and who writes it.
TEXT_STEP = {
    "problem_statement": S.PROBLEM,
    "expectation": S.CONTRACT,
    "action_plan": S.ACTION_PLAN,
    "lessons": S.LESSONS,
}
CONTRIBUTION_STEP = {K.QUESTION: S.CLARIFICATION, K.ADVICE: S.ADVICE}
STEP_TEXT = {step: name for name, step in TEXT_STEP.items()}
STEP_CONTRIBUTION = {step: kind for kind, step in CONTRIBUTION_STEP.items()}
# A step the session cannot leave before its text is written.
REQUIRED_BEFORE_LEAVING = {
    S.PROBLEM: ("problem_statement", gettext_lazy(
        "The case-holder writes the problem statement before the session moves on.")),
    S.ACTION_PLAN: ("action_plan", gettext_lazy(
        "The case-holder writes the action plan before the session moves on.")),
}


def may_write_text(access, name: str) -> bool:
    """The case-holder writes their own texts; everyone of the session the lessons learnt
    (the facilitator, or a moderator, records them)."""
    if name == "lessons":
        return access.is_in_session or access.can_moderate
    return access.is_case_holder


def _clean_text(text: str, field: str = "text", *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: ValidationError(_("Write something first."),
                                                      code="empty")})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError({field: ValidationError(
            _("This text holds %(max)s characters at most (it has %(count)s).")
            % {"max": MESSAGE_MAX_LENGTH, "count": len(text)}, code="too_long")})
    return text


def _step_label(step: int) -> str:
    return f"{step}. {S(step).label}" if step != S.CLOSED else str(S.CLOSED.label)


def _wrong_step(expected: int, session: CodevSession) -> ValidationError:
    if session.step == S.CLOSED:
        return ValidationError(_("This session is closed: it can no longer be changed."),
                               code="session_closed")
    return ValidationError(
        _("This is written at step %(expected)s; the session is at step %(current)s.")
        % {"expected": _step_label(expected), "current": _step_label(session.step)},
        code="wrong_step")


def _lock(session: CodevSession) -> CodevSession:
    return (CodevSession.objects.select_for_update(of=("self",))
            .select_related("space", "case_holder", "facilitator").get(pk=session.pk))


# --- Proposing a session -----------------------------------------------------------------


@transaction.atomic
def create_session(space: Space, *, by, title: str, case_holder, facilitator,
                   scheduled_at=None, place: str = "", problem_statement: str = "",
                   ) -> CodevSession:
    """Propose a session in a space: a participant as its case-holder, or a moderator for a
    case-holder of the space; the facilitator is another person of the space."""
    if not can_read_space(by, space):
        raise PermissionDenied
    errors = {}
    case_holder = case_holder or by
    if case_holder != by and not can_moderate_space(by, space):
        errors["case_holder"] = ValidationError(
            _("Only a moderator proposes a session for someone else."), code="not_moderator")
    people = set(people_of_spaces([space.pk]).filter(pk__in=[
        case_holder.pk, getattr(facilitator, "pk", None)]).values_list("pk", flat=True))
    if case_holder.pk not in people and "case_holder" not in errors:
        errors["case_holder"] = ValidationError(
            _("The case-holder must be a person of the space."), code="not_in_space")
    if facilitator is None:
        errors["facilitator"] = ValidationError(_("Choose a facilitator."), code="required")
    elif facilitator.pk == case_holder.pk:
        errors["facilitator"] = ValidationError(
            _("The facilitator cannot be the case-holder: choose someone else."),
            code="facilitator_is_case_holder")
    elif facilitator.pk not in people:
        errors["facilitator"] = ValidationError(
            _("The facilitator must be a person of the space."), code="not_in_space")
    if scheduled_at is not None and scheduled_at <= timezone.now():
        errors["scheduled_at"] = ValidationError(_("Plan the session in the future."),
                                                 code="in_past")
    title = (title or "").strip()
    if not title:
        errors["title"] = ValidationError(_("Give the session a title."), code="required")
    try:
        problem_statement = _clean_text(problem_statement, "problem_statement",
                                        required=False)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    session = CodevSession(space=space, title=title, case_holder=case_holder,
                           facilitator=facilitator, scheduled_at=scheduled_at,
                           place=(place or "").strip(), problem_statement=problem_statement)
    session.full_clean()
    session.save()
    return session


# --- Consultants -------------------------------------------------------------------------


def _check_consultants_open(session: CodevSession) -> None:
    if session.step == S.CLOSED:
        raise ValidationError(_("This session is closed: it can no longer be changed."),
                              code="session_closed")
    if session.step >= S.ADVICE:
        raise ValidationError(_("Consultants join or leave before the reactions and advice "
                                "(step 4)."), code="too_late")


@transaction.atomic
def join_as_consultant(session: CodevSession, person) -> CodevSession:
    """A person of the space, other than the case-holder and the facilitator, becomes one of
    the session's consultants (before step 4)."""
    session = _lock(session)
    if not can_read_space(person, session.space):
        raise PermissionDenied
    _check_consultants_open(session)
    if person.pk == session.case_holder_id:
        raise ValidationError(_("You bring the case: you cannot be a consultant as well."),
                              code="case_holder")
    if person.pk == session.facilitator_id:
        raise ValidationError(_("You facilitate the session: you cannot be a consultant as "
                                "well."), code="facilitator")
    if session.consultants.filter(pk=person.pk).exists():
        raise ValidationError(_("You are already a consultant of this session."),
                              code="already_consultant")
    session.consultants.add(person)
    return session


@transaction.atomic
def leave_as_consultant(session: CodevSession, person) -> CodevSession:
    """A consultant leaves the session (before step 4)."""
    session = _lock(session)
    _check_consultants_open(session)
    if not session.consultants.filter(pk=person.pk).exists():
        raise ValidationError(_("You are not a consultant of this session."),
                              code="not_consultant")
    session.consultants.remove(person)
    return session


# --- Running the steps -------------------------------------------------------------------


@transaction.atomic
def move_step(session: CodevSession, *, by, forward: bool,
              from_step: int | None = None) -> CodevSession:
    """The facilitator (or a moderator) moves the session to the next step or back one.
    `from_step` is the step the person saw: a second click does not move it twice."""
    session = _lock(session)
    if not codev_access(by, session).can_run:
        raise PermissionDenied
    if session.step == S.CLOSED:
        raise ValidationError(_("This session is closed: it can no longer be changed."),
                              code="session_closed")
    if from_step is not None and from_step != session.step:
        raise ValidationError(
            _("The session has already moved: it is at step %(current)s.")
            % {"current": _step_label(session.step)}, code="moved")
    if forward:
        required, message = REQUIRED_BEFORE_LEAVING.get(session.step, (None, ""))
        if required and not getattr(session, required).strip():
            raise ValidationError(str(message), code="text_missing")
        session.step += 1
    else:
        if session.step == S.PROBLEM:
            raise ValidationError(_("This is the first step."), code="first_step")
        session.step -= 1
    session.save(update_fields=["step"])
    return session


@transaction.atomic
def write_text(session: CodevSession, *, by, name: str, text: str,
               ) -> CodevSession:
    """Write one of the session's texts, by its writer at its step (see TEXT_STEP)."""
    if name not in TEXT_STEP:
        raise ValueError(f"Not a text of the session: {name}")
    session = _lock(session)
    if not may_write_text(codev_access(by, session), name):
        raise PermissionDenied
    if session.step != TEXT_STEP[name]:
        raise _wrong_step(TEXT_STEP[name], session)
    setattr(session, name, _clean_text(text))
    session.save(update_fields=[name])
    return session


@transaction.atomic
def add_contribution(session: CodevSession, *, by, kind: str, text: str,
                     ) -> CodevContribution:
    """A consultant asks a clarifying question (step 2) or gives advice (step 4)."""
    if kind not in CONTRIBUTION_STEP:
        raise ValidationError(_("Choose a clarifying question or a piece of advice."),
                              code="invalid_kind")
    session = _lock(session)
    if not codev_access(by, session).is_consultant:
        raise PermissionDenied
    if session.step != CONTRIBUTION_STEP[kind]:
        raise _wrong_step(CONTRIBUTION_STEP[kind], session)
    return CodevContribution.objects.create(session=session, author=by, kind=kind,
                                            text=_clean_text(text))
