"""Questionnaires of self-assessment, peer assessment and satisfaction (seed 004, proposals 5
and 6): built by the programme's staff while in draft, opened, sent to sites or people, answered
in the member portal, closed.

Who may read, change or answer them is decided in evaluations/access_questionnaires.py.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Membership, User
from essaimage.emails import claim_send, release_send
from programmes.models import AdopterSite, ScalingProject

from ..models import Answer, Question, Questionnaire, QuestionnaireAssignment

QUESTIONNAIRE_FIELDS = ("kind", "title", "introduction", "opens_on", "closes_on")
QUESTION_FIELDS = ("label", "help_text", "kind", "scale_min", "scale_max", "scale_min_label",
                   "scale_max_label", "choices", "required")
# A scale of at most eleven points (0 to 10) still reads as one row of buttons.
SCALE_LOWEST, SCALE_HIGHEST, SCALE_MAX_POINTS = -10, 10, 11
CHOICE_MAX_LENGTH = 200
MAX_CHOICES = 30
TEXT_ANSWER_MAX_LENGTH = 5000

S = Questionnaire.Status
K = Question.Kind
A = QuestionnaireAssignment.Status
CHOICE_KINDS = (K.SINGLE_CHOICE, K.MULTIPLE_CHOICE)


def accepts_answers(questionnaire: Questionnaire, today=None) -> bool:
    """Open, and within its dates when it has some."""
    today = today or timezone.localdate()
    if questionnaire.status != S.OPEN:
        return False
    if questionnaire.opens_on and today < questionnaire.opens_on:
        return False
    return not (questionnaire.closes_on and today > questionnaire.closes_on)


# --- The questionnaire -----------------------------------------------------------------------


def _check_fields(fields, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not a field of this form: {', '.join(sorted(unknown))}")


def _clean_questionnaire(questionnaire: Questionnaire) -> None:
    errors = {}
    if not (questionnaire.title or "").strip():
        errors["title"] = ValidationError(_("Give the questionnaire a title."),
                                          code="title_required")
    if (questionnaire.opens_on and questionnaire.closes_on
            and questionnaire.closes_on < questionnaire.opens_on):
        errors["closes_on"] = ValidationError(_("A questionnaire must close after it opens."),
                                              code="closes_before_opening")
    if errors:
        raise ValidationError(errors)
    questionnaire.full_clean(exclude=["project"], validate_constraints=False)


@transaction.atomic
def create_questionnaire(project: ScalingProject, *, by, **fields) -> Questionnaire:
    """Start a questionnaire in draft for the project."""
    _check_fields(fields, QUESTIONNAIRE_FIELDS)
    questionnaire = Questionnaire(project=project, **fields)
    _clean_questionnaire(questionnaire)
    questionnaire.save()
    return questionnaire


@transaction.atomic
def update_questionnaire(questionnaire: Questionnaire, *, by, **fields) -> Questionnaire:
    """Change a questionnaire's wording and dates; its kind only while it is a draft, nothing
    once it is closed."""
    _check_fields(fields, QUESTIONNAIRE_FIELDS)
    questionnaire = _lock(questionnaire)
    if questionnaire.status == S.CLOSED:
        raise ValidationError(_("This questionnaire is closed: it no longer changes."),
                              code="questionnaire_closed")
    if (questionnaire.status != S.DRAFT and "kind" in fields
            and fields["kind"] != questionnaire.kind):
        raise ValidationError({"kind": ValidationError(
            _("The kind of a questionnaire changes while it is a draft only."),
            code="questionnaire_not_draft")})
    for name, value in fields.items():
        setattr(questionnaire, name, value)
    _clean_questionnaire(questionnaire)
    questionnaire.save()
    return questionnaire


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    """Reload the questionnaire locked, so that opening, sending and answering run in turn."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    locked.project = questionnaire.project  # keep what the caller loaded with it
    return locked


def _require_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.status != S.DRAFT:
        raise ValidationError(
            _("The questions change while the questionnaire is a draft only: it was already "
              "opened."), code="questionnaire_not_draft")


def question_problems(question: Question) -> list[str]:
    """What keeps a question from being answered, in words (empty when it is fine)."""
    problems = []
    if question.kind == K.SCALE and question.scale_min >= question.scale_max:
        problems.append(_("the highest point of the scale must be above the lowest"))
    if question.kind in CHOICE_KINDS and len(question.choices or []) < 2:
        problems.append(_("a choice question offers at least two choices"))
    return problems


@transaction.atomic
def open_questionnaire(questionnaire: Questionnaire, *, by) -> Questionnaire:
    """Open a draft to answers, once its questions can be answered."""
    questionnaire = _lock(questionnaire)
    if questionnaire.status != S.DRAFT:
        raise ValidationError(_("Only a draft questionnaire can be opened."),
                              code="questionnaire_not_draft")
    questions = list(questionnaire.questions.all())
    if not questions:
        raise ValidationError(_("Add at least one question before opening the questionnaire."),
                              code="no_question")
    problems = [f"« {question.label} » : {', '.join(question_problems(question))}"
                for question in questions if question_problems(question)]
    if problems:
        raise ValidationError(
            _("Some questions cannot be answered yet: %(problems)s.")
            % {"problems": " ; ".join(problems)}, code="question_incomplete")
    questionnaire.status = S.OPEN
    questionnaire.save(update_fields=["status"])
    return questionnaire


@transaction.atomic
def close_questionnaire(questionnaire: Questionnaire, *, by) -> Questionnaire:
    """Close an open questionnaire: answers stop, drafts of answers stay unsubmitted."""
    questionnaire = _lock(questionnaire)
    if questionnaire.status != S.OPEN:
        raise ValidationError(_("Only an open questionnaire can be closed."),
                              code="questionnaire_not_open")
    questionnaire.status = S.CLOSED
    questionnaire.save(update_fields=["status"])
    return questionnaire


@transaction.atomic
def delete_questionnaire(questionnaire: Questionnaire, *, by) -> None:
    """Remove a draft questionnaire (it was never sent)."""
    questionnaire = _lock(questionnaire)
    _require_draft(questionnaire)
    questionnaire.delete()


# --- Questions -------------------------------------------------------------------------------


def clean_choices(choices) -> list[str]:
    """The wording of each choice, trimmed, without blanks or repeats, in the order given."""
    if isinstance(choices, str):
        choices = choices.splitlines()
    lines = [" ".join(str(choice).split()) for choice in choices or []]
    return list(dict.fromkeys(line for line in lines if line))


def _clean_question(question: Question) -> None:
    errors = {}
    if not (question.label or "").strip():
        errors["label"] = ValidationError(_("Write the question."), code="label_required")
    if question.kind == K.SCALE:
        if question.scale_min is None or question.scale_max is None:
            errors["scale_max"] = ValidationError(_("Give both ends of the scale."),
                                                  code="scale_bounds_required")
        elif question.scale_min >= question.scale_max:
            errors["scale_max"] = ValidationError(
                _("The highest point must be above the lowest."), code="scale_range")
        elif (question.scale_min < SCALE_LOWEST or question.scale_max > SCALE_HIGHEST
              or question.scale_max - question.scale_min + 1 > SCALE_MAX_POINTS):
            errors["scale_max"] = ValidationError(
                _("A scale goes from %(lowest)d to %(highest)d and has %(points)d points at "
                  "most.") % {"lowest": SCALE_LOWEST, "highest": SCALE_HIGHEST,
                              "points": SCALE_MAX_POINTS}, code="scale_too_wide")
        question.choices = []
    else:
        # Keep the row valid for the database: its scale is not used.
        question.scale_min, question.scale_max = 1, 5
        question.scale_min_label = question.scale_max_label = ""
    if question.kind in CHOICE_KINDS:
        question.choices = clean_choices(question.choices)
        if len(question.choices) < 2:
            errors["choices"] = ValidationError(_("Give at least two choices, one per line."),
                                                code="choices_missing")
        elif len(question.choices) > MAX_CHOICES:
            errors["choices"] = ValidationError(
                _("At most %(count)d choices.") % {"count": MAX_CHOICES}, code="too_many_choices")
        elif any(len(choice) > CHOICE_MAX_LENGTH for choice in question.choices):
            errors["choices"] = ValidationError(
                _("A choice is %(count)d characters long at most.")
                % {"count": CHOICE_MAX_LENGTH}, code="choice_too_long")
    elif question.kind == K.TEXT:
        question.choices = []
    if errors:
        raise ValidationError(errors)
    question.full_clean(exclude=["questionnaire"], validate_constraints=False)


@transaction.atomic
def add_question(questionnaire: Questionnaire, *, by, **fields) -> Question:
    """Add a question at the end of a draft questionnaire."""
    _check_fields(fields, QUESTION_FIELDS)
    questionnaire = _lock(questionnaire)
    _require_draft(questionnaire)
    last = questionnaire.questions.aggregate(last=Max("position"))["last"]
    question = Question(questionnaire=questionnaire, position=0 if last is None else last + 1,
                        **fields)
    _clean_question(question)
    question.save()
    return question


@transaction.atomic
def update_question(question: Question, *, by, **fields) -> Question:
    """Change a question of a draft questionnaire."""
    _check_fields(fields, QUESTION_FIELDS)
    _require_draft(_lock(question.questionnaire))
    for name, value in fields.items():
        setattr(question, name, value)
    _clean_question(question)
    question.save()
    return question


@transaction.atomic
def move_question(question: Question, *, up: bool, by) -> None:
    """Move a question one place up or down a draft questionnaire."""
    _require_draft(_lock(question.questionnaire))
    questions = list(Question.objects.filter(questionnaire=question.questionnaire_id))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, each in enumerate(questions):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])


@transaction.atomic
def delete_question(question: Question, *, by) -> None:
    """Remove a question from a draft questionnaire."""
    _require_draft(_lock(question.questionnaire))
    question.delete()


# --- Sending ---------------------------------------------------------------------------------


def _require_open_to_send(questionnaire: Questionnaire) -> None:
    if questionnaire.status == S.DRAFT:
        raise ValidationError(_("Open the questionnaire before sending it."),
                              code="questionnaire_not_open")
    if questionnaire.status == S.CLOSED:
        raise ValidationError(_("This questionnaire is closed: it is no longer sent."),
                              code="questionnaire_closed")


def _check_sites(questionnaire: Questionnaire, sites, field: str) -> list[AdopterSite]:
    sites = list(sites)
    foreign = [site for site in sites if site.project_id != questionnaire.project_id]
    if foreign:
        raise ValidationError({field: ValidationError(
            _("A questionnaire is sent to the sites of its own project only."),
            code="site_not_in_project")})
    inactive = [site for site in sites if not site.is_active]
    if inactive:
        raise ValidationError({field: ValidationError(
            _("These sites are not active (candidate or withdrawn): %(sites)s.")
            % {"sites": ", ".join(str(site) for site in inactive[:10])},
            code="site_not_active")})
    return sites


def takes_part_in_project(person, project: ScalingProject) -> bool:
    """Whether a questionnaire of the project may be sent to `person`: someone of one of its
    sites' structures, or a reader of the project (staff, committee member, sponsor...)."""
    if not person.is_active:
        return False
    if Membership.objects.filter(user=person, structure__adopter_sites__project=project).exists():
        return True
    return ScalingProject.objects.visible_to(person).filter(pk=project.pk).exists()


@transaction.atomic
def send_questionnaire(questionnaire: Questionnaire, *, by, sites=(), people=(), peer_site=None,
                       due_on=None) -> list[QuestionnaireAssignment]:
    """Send an open questionnaire to sites and people, each once (sending again to the same
    respondent changes nothing); for a peer assessment, `peer_site` is the site the sites
    assess, and without it they assess themselves. Returns the new assignments, whose people
    hear of it by e-mail."""
    questionnaire = _lock(questionnaire)
    _require_open_to_send(questionnaire)
    sites = _check_sites(questionnaire, sites, "sites")
    people = list(people)
    if not sites and not people:
        raise ValidationError(_("Choose at least one site or one person."),
                              code="no_respondent")
    if peer_site is not None:
        if questionnaire.kind != Questionnaire.Kind.PEER_ASSESSMENT:
            raise ValidationError({"peer_site": ValidationError(
                _("Only a peer assessment is about another site."), code="not_peer_assessment")})
        _check_sites(questionnaire, [peer_site], "peer_site")
        if any(site.pk == peer_site.pk for site in sites):
            raise ValidationError({"sites": ValidationError(
                _("A site does not assess itself as a peer: untick %(site)s.")
                % {"site": peer_site}, code="peer_is_same_site")})
    if due_on is not None and questionnaire.opens_on and due_on < questionnaire.opens_on:
        raise ValidationError({"due_on": ValidationError(
            _("The due date comes after the questionnaire opens."), code="due_before_opening")})
    if people:
        # A few people typed in at a time: one question each is fine.
        strangers = [person for person in people
                     if not takes_part_in_project(person, questionnaire.project)]
        if strangers:
            raise ValidationError({"people": ValidationError(
                ngettext("This person takes no part in the project: %(people)s.",
                         "These people take no part in the project: %(people)s.",
                         len(strangers))
                % {"people": ", ".join(person.email for person in strangers[:10])},
                code="person_not_in_project")})

    peer_pk = peer_site.pk if peer_site is not None else None
    existing = set(questionnaire.assignments.filter(peer_site=peer_pk)
                   .values_list("site", "person"))
    due_on = due_on or questionnaire.closes_on
    new = [QuestionnaireAssignment(questionnaire=questionnaire, site=site, peer_site=peer_site,
                                   due_on=due_on)
           for site in dict.fromkeys(sites) if (site.pk, None) not in existing]
    new += [QuestionnaireAssignment(questionnaire=questionnaire, person=person,
                                    peer_site=peer_site, due_on=due_on)
            for person in dict.fromkeys(people) if (None, person.pk) not in existing]
    created = QuestionnaireAssignment.objects.bulk_create(new)
    if created and not created[0].pk:  # databases that do not return ids (none we use)
        raise RuntimeError("bulk_create returned no ids")

    from ..tasks import send_questionnaire_sent_email_task

    for assignment in created:
        # Queue after commit: until then the worker cannot see the assignment.
        transaction.on_commit(
            lambda pk=assignment.pk: send_questionnaire_sent_email_task.delay(pk))
    return created


def assignment_recipients(assignment: QuestionnaireAssignment) -> list[User]:
    """Who is told of an assignment: the person, or the people of the site's structure."""
    if assignment.person_id:
        return [assignment.person] if assignment.person.is_active else []
    return list(User.objects.filter(is_active=True,
                                    memberships__structure=assignment.site.structure_id)
                .distinct().order_by("pk"))


def send_questionnaire_sent_email(assignment: QuestionnaireAssignment) -> int:
    """Tell each recipient of an assignment that a questionnaire awaits them, once each;
    returns how many e-mails left."""
    from essaimage.emails import absolute_url, send_templated_email

    if assignment.status != A.PENDING or assignment.questionnaire.status != S.OPEN:
        return 0
    sent = 0
    answer_url = absolute_url(reverse("evaluations:answer", args=[assignment.pk]))
    for person in assignment_recipients(assignment):
        key = f"evaluations:questionnaire-sent:{assignment.pk}:{person.pk}"
        if not claim_send(key):
            continue
        try:
            send_templated_email(
                "questionnaire_sent", to=[person.email], language=person.language or "fr",
                context={"person": person, "assignment": assignment,
                         "questionnaire": assignment.questionnaire,
                         "project": assignment.questionnaire.project,
                         "site": assignment.site, "peer_site": assignment.peer_site,
                         "answer_url": answer_url})
        except Exception:
            release_send(key)  # let the retry send it
            raise
        sent += 1
    return sent


# --- Answers ---------------------------------------------------------------------------------


def answer_field_name(question: Question) -> str:
    """The name of a question's input on the answer form, used for errors too."""
    return f"question_{question.pk}"


def _normalise(question: Question, value):
    """A value as kept in an Answer (number, choices, text), or None when there is none."""
    if question.kind == K.SCALE:
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Choose a point on the scale."), code="not_a_number")
        if not question.scale_min <= number <= question.scale_max:
            raise ValidationError(
                _("Choose a point between %(min)d and %(max)d.")
                % {"min": question.scale_min, "max": question.scale_max}, code="out_of_scale")
        return number
    if question.kind in CHOICE_KINDS:
        if value in (None, "", [], ()):
            return None
        chosen = [value] if isinstance(value, str) else list(value)
        if question.kind == K.SINGLE_CHOICE and len(chosen) > 1:
            raise ValidationError(_("Choose one answer only."), code="several_choices")
        if any(choice not in question.choices for choice in chosen):
            raise ValidationError(_("Choose among the answers offered."), code="unknown_choice")
        # In the order offered, so that identical answers group together in the summary.
        return [choice for choice in question.choices if choice in chosen]
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > TEXT_ANSWER_MAX_LENGTH:
        raise ValidationError(
            _("An answer is %(count)d characters long at most.")
            % {"count": TEXT_ANSWER_MAX_LENGTH}, code="text_too_long")
    return text or None


@transaction.atomic
def save_answers(assignment: QuestionnaireAssignment, *, answers: dict, by,
                 submit: bool = False) -> QuestionnaireAssignment:
    """Keep the answers given (a draft the respondent comes back to), and submit them when
    `submit` is set: required questions answered, nothing changes afterwards.

    `answers` maps questions (or their ids) to a point on the scale, a choice, a list of
    choices or a text; a question left out or answered with nothing has no answer.
    """
    assignment = (QuestionnaireAssignment.objects.select_for_update()
                  .select_related("questionnaire").get(pk=assignment.pk))
    if assignment.status == A.SUBMITTED:
        raise ValidationError(_("These answers were already submitted: they no longer change."),
                              code="already_submitted")
    if not accepts_answers(assignment.questionnaire):
        raise ValidationError(_("This questionnaire is closed: it no longer takes answers."),
                              code="questionnaire_closed")
    questions = {q.pk: q for q in assignment.questionnaire.questions.all()}
    given = {}
    for key, value in answers.items():
        pk = key.pk if isinstance(key, Question) else key
        if pk not in questions:
            raise ValidationError(_("This question is not part of the questionnaire."),
                                  code="question_not_in_questionnaire")
        given[pk] = value
    errors, values = {}, {}
    for pk, question in questions.items():
        try:
            values[pk] = _normalise(question, given.get(pk))
        except ValidationError as error:
            errors[answer_field_name(question)] = error
            continue
        if submit and question.required and values[pk] is None:
            errors[answer_field_name(question)] = ValidationError(
                _("This question needs an answer."), code="answer_required")
    if errors:
        raise ValidationError(errors)

    existing = {a.question_id: a for a in assignment.answers.all()}
    to_create, to_update, to_delete = [], [], []
    for pk, question in questions.items():
        value = values[pk]
        answer = existing.get(pk)
        if value is None:
            if answer is not None:
                to_delete.append(answer.pk)
            continue
        fields = {"number": None, "choices": [], "text": ""}
        if question.kind == K.SCALE:
            fields["number"] = value
        elif question.kind in CHOICE_KINDS:
            fields["choices"] = value
        else:
            fields["text"] = value
        if answer is None:
            to_create.append(Answer(assignment=assignment, question=question, **fields))
        elif any(getattr(answer, name) != new for name, new in fields.items()):
            for name, new in fields.items():
                setattr(answer, name, new)
            to_update.append(answer)
    if to_delete:
        Answer.objects.filter(pk__in=to_delete).delete()
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(to_update, ["number", "choices", "text"])
    if submit:
        assignment.status = A.SUBMITTED
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["status", "submitted_at"])
    return assignment
