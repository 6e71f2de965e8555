"""Every change of state of a call and of the applications to it: setting up the call, its
form and rubric, publication, deadlines, applying, screening and deciding."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from communities.models import Membership, Structure, User

from ..models import (
    AdoptionChoice,
    Answer,
    Application,
    Call,
    College,
    Criterion,
    Innovation,
    Question,
    ReviewAssignment,
)
from essaimage.emails import claim_send, release_send
from essaimage.uploads import validate_upload
from .records import innovation_for_selected_application

CALL_FIELDS = ("kind", "title", "description", "organiser", "eligible_kinds", "opens_at",
               "closes_at", "reviews_due_at", "scaling_plan")
APPLICATION_FIELDS = ("title", "summary", "territory", "scaling_plan")


def format_deadline(moment) -> str:
    """A date and time as people on the call read it: in Paris time, in their language."""
    return date_format(localtime(moment), "DATETIME_FORMAT")


def asks_scaling_plan(call: Call) -> bool:
    """Whether the application form has a scaling-up plan field."""
    return (not call.is_for_expressions_of_interest
            and call.scaling_plan != Call.ScalingPlan.NOT_ASKED)


# --- Setting up a call --------------------------------------------------------------------


def _check_call_fields(call: Call, *, user) -> None:
    errors = {}
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = ValidationError(_("The call must close after it opens."),
                                              code="closes_before_opening")
    if call.reviews_due_at and call.closes_at and call.reviews_due_at <= call.closes_at:
        errors["reviews_due_at"] = ValidationError(
            _("Reviews are due after the call closes."), code="reviews_due_before_closing")
    unknown_kinds = set(call.eligible_kinds) - set(Structure.Kind.values)
    if unknown_kinds:
        errors["eligible_kinds"] = ValidationError(_("Choose kinds of structure from the list."),
                                                   code="invalid_kind")
    if call.organiser_id and not user.is_superuser and not Membership.objects.filter(
        user=user, structure_id=call.organiser_id
    ).exists():
        errors["organiser"] = ValidationError(
            _("You can only organise a call for a structure you belong to."),
            code="not_member_of_organiser")
    if errors:
        raise ValidationError(errors)


def _check_offered_innovations(innovations) -> None:
    if any(not innovation.is_published for innovation in innovations):
        raise ValidationError({"offered_innovations": ValidationError(
            _("Only innovations published in the knowledge bank can be offered."),
            code="innovation_not_published")})


@transaction.atomic
def create_call(*, created_by, themes=(), eligible_territories=(), offered_innovations=(),
                **fields) -> Call:
    """Create a draft call; the person who creates it manages it."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"Not a call field: {', '.join(sorted(unknown))}")
    call = Call(**fields)
    _check_call_fields(call, user=created_by)
    _check_offered_innovations(offered_innovations)
    call.full_clean()
    call.save()
    call.themes.set(themes)
    call.eligible_territories.set(eligible_territories)
    call.offered_innovations.set(offered_innovations)
    call.managers.add(created_by)
    return call


@transaction.atomic
def update_call(call: Call, *, by, themes=None, eligible_territories=None,
                offered_innovations=None, **fields) -> Call:
    """Change a call's description; once published, its dates move only by extending it."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"Not a call field: {', '.join(sorted(unknown))}")
    call = Call.objects.select_for_update().get(pk=call.pk)
    errors = {}
    if "kind" in fields and fields["kind"] != call.kind and call.applications.exists():
        errors["kind"] = ValidationError(
            _("Structures have already applied: the kind of call can no longer change."),
            code="kind_locked")
    if call.is_published:
        for name in ("opens_at", "closes_at"):
            if name in fields and fields[name] != getattr(call, name):
                errors[name] = ValidationError(
                    _("The call is published: extend its deadline instead of changing its "
                      "dates."), code="dates_locked")
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(call, name, value)
    _check_call_fields(call, user=by)
    if offered_innovations is not None:
        _check_offered_innovations(offered_innovations)
    call.full_clean()
    call.save()
    if themes is not None:
        call.themes.set(themes)
    if eligible_territories is not None:
        call.eligible_territories.set(eligible_territories)
    if offered_innovations is not None:
        chosen = {innovation.pk for innovation in offered_innovations}
        dropped_but_chosen = AdoptionChoice.objects.filter(
            application__call=call
        ).exclude(innovation__in=chosen)
        if dropped_but_chosen.exists():
            raise ValidationError({"offered_innovations": ValidationError(
                _("Structures have already chosen an innovation you removed: keep it in the "
                  "call."), code="innovation_chosen")})
        call.offered_innovations.set(offered_innovations)
    return call


@transaction.atomic
def add_call_manager(call: Call, *, email: str, by) -> User:
    """Give a person already on the platform the management of the call."""
    person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if person is None:
        raise ValidationError({"email": ValidationError(
            _("Nobody with the address %(email)s has an account on Essaimage yet.")
            % {"email": email}, code="unknown_person")})
    if call.managers.filter(pk=person.pk).exists():
        raise ValidationError({"email": ValidationError(
            _("%(person)s already manages this call.") % {"person": person},
            code="already_manager")})
    call.managers.add(person)
    return person


@transaction.atomic
def remove_call_manager(call: Call, person, *, by) -> None:
    """Take a person off the call's staff, keeping at least one manager."""
    Call.objects.select_for_update().filter(pk=call.pk).first()
    if not call.managers.filter(pk=person.pk).exists():
        return
    if not call.managers.exclude(pk=person.pk).exists():
        raise ValidationError(_("A call needs at least one manager: add another one first."),
                              code="last_manager")
    call.managers.remove(person)


# --- The application form and the rubric -------------------------------------------------


@dataclass
class Row:
    """One line of an edited list (questions, criteria, colleges): its values, and whether
    it is new, kept or deleted."""

    instance: object | None
    data: dict
    delete: bool = False


def _clean_choices(options) -> list[str]:
    seen = []
    for option in options:
        option = " ".join(str(option).split())
        if option and option not in seen:
            seen.append(option)
    return seen


@transaction.atomic
def save_questions(call: Call, rows: list[Row], *, by) -> None:
    """Add, change and delete the questions of the application form, all or nothing."""
    Call.objects.select_for_update().filter(pk=call.pk).first()
    has_submissions = call.applications.submitted().exists()
    errors = []
    for row in rows:
        question = row.instance
        answered = question is not None and question.answers.exclude(
            text="", number__isnull=True, file=""
        ).exists()
        if row.delete:
            if question is None:
                continue
            if has_submissions and answered:
                errors.append(ValidationError(
                    _("“%(question)s” was answered in submitted applications: it cannot be "
                      "deleted.") % {"question": question.label}, code="question_answered"))
            else:
                question.delete()
            continue
        question = question or Question(call=call)
        kind_before = question.kind if question.pk else None
        for name, value in row.data.items():
            setattr(question, name, value)
        question.choices = _clean_choices(question.choices or [])
        if question.kind == Question.Kind.CHOICE and len(question.choices) < 2:
            errors.append(ValidationError(
                _("“%(question)s” is a choice: give at least two options.")
                % {"question": question.label}, code="choices_missing"))
            continue
        if question.kind != Question.Kind.CHOICE:
            question.choices = []
        if kind_before and kind_before != question.kind and answered:
            errors.append(ValidationError(
                _("“%(question)s” already has answers: its kind of answer cannot change.")
                % {"question": question.label}, code="question_answered"))
            continue
        question.full_clean()
        question.save()
    if errors:
        raise ValidationError(errors)


def rubric_is_locked(call: Call) -> bool:
    """Once a review is submitted, the rubric it was scored on cannot change."""
    return ReviewAssignment.objects.filter(
        application__call=call, status=ReviewAssignment.Status.SUBMITTED
    ).exists()


def _check_weights(rows: list[Row]) -> None:
    kept = [row for row in rows if not row.delete]
    weights = []
    for row in kept:
        try:
            weights.append(Decimal(row.data.get("weight", row.instance and row.instance.weight)))
        except (InvalidOperation, TypeError):
            weights.append(Decimal(0))
    if kept and sum(weights) <= 0:
        raise ValidationError(_("The weights of the criteria add up to zero: give at least one "
                                "criterion a positive weight."), code="weights_zero")
    for row, weight in zip(kept, weights, strict=True):
        if weight <= 0:
            raise ValidationError(
                _("The weight of “%(criterion)s” must be greater than zero.")
                % {"criterion": row.data.get("name", row.instance)}, code="weight_not_positive")
        max_score = row.data.get("max_score", row.instance and row.instance.max_score)
        if max_score is None or max_score < 1:
            raise ValidationError(
                _("The maximum score of “%(criterion)s” must be at least 1.")
                % {"criterion": row.data.get("name", row.instance)}, code="max_score_too_low")


@transaction.atomic
def save_rubric(call: Call, *, criteria: list[Row], colleges: list[Row], by) -> None:
    """Change the criteria and the review colleges, all or nothing; scored criteria stay."""
    Call.objects.select_for_update().filter(pk=call.pk).first()
    criteria_changed = any(
        row.delete or row.instance is None
        or any(getattr(row.instance, name) != value for name, value in row.data.items())
        for row in criteria
        if not (row.delete and row.instance is None)
    )
    if criteria_changed and rubric_is_locked(call):
        raise ValidationError(_("Reviews have been submitted on this rubric: it can no longer "
                                "change."), code="rubric_locked")
    _check_weights(criteria)
    for row in criteria:
        _save_row(row, Criterion, call)
    names = [row.data.get("name", "").strip().casefold() for row in colleges if not row.delete]
    if len(names) != len(set(names)):
        raise ValidationError(_("Two colleges have the same name."), code="duplicate_college")
    for row in colleges:
        if row.delete and row.instance is not None and row.instance.assignments.exists():
            raise ValidationError(
                _("Reviewers are assigned to the college “%(college)s”: it cannot be deleted.")
                % {"college": row.instance}, code="college_in_use")
        _save_row(row, College, call)


def _save_row(row: Row, model, call: Call) -> None:
    if row.delete:
        if row.instance is not None:
            row.instance.delete()
        return
    obj = row.instance or model(call=call)
    for name, value in row.data.items():
        setattr(obj, name, value)
    obj.full_clean(validate_constraints=False)
    obj.save()


# --- Publication and deadlines -------------------------------------------------------------


def missing_for_publication(call: Call) -> list[ValidationError]:
    """What a call lacks before structures may see it, as errors with codes."""
    missing = []
    if call.is_for_expressions_of_interest:
        offered = list(call.offered_innovations.all())
        if not offered:
            missing.append(ValidationError(
                _("Offer at least one innovation from the knowledge bank."),
                code="no_offered_innovation"))
        elif any(not innovation.is_published for innovation in offered):
            missing.append(ValidationError(
                _("Every innovation offered must be published in the knowledge bank."),
                code="innovation_not_published"))
    else:
        if not call.questions.exists():
            missing.append(ValidationError(_("Add at least one question to the application "
                                             "form."), code="no_question"))
        if not call.criteria.exists():
            missing.append(ValidationError(_("Add at least one criterion to the rubric."),
                                           code="no_criterion"))
        if not call.colleges.exists():
            missing.append(ValidationError(_("Add at least one review college."),
                                           code="no_college"))
    if call.closes_at <= timezone.now():
        missing.append(ValidationError(_("The closing date has passed: change it first."),
                                       code="closes_in_past"))
    return missing


@transaction.atomic
def publish_call(call: Call, *, by) -> Call:
    """Open the call to every signed-in structure, once it is complete; at most once."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.is_published:
        return call
    missing = missing_for_publication(call)
    if missing:
        raise ValidationError(missing)
    call.published_at = timezone.now()
    call.save(update_fields=["published_at"])
    return call


@transaction.atomic
def extend_deadline(call: Call, closes_at, *, by) -> Call:
    """Move the closing date later; submission reopens until then."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if closes_at <= call.closes_at:
        raise ValidationError({"closes_at": ValidationError(
            _("The new deadline must be later than the current one (%(deadline)s).")
            % {"deadline": format_deadline(call.closes_at)}, code="deadline_not_later")})
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": ValidationError(
            _("The new deadline must be in the future."), code="deadline_in_past")})
    call.closes_at = closes_at
    call.save(update_fields=["closes_at"])
    return call


# --- Applying -------------------------------------------------------------------------------


def eligibility_refusal(call: Call, structure: Structure) -> ValidationError | None:
    """Why `structure` may not answer `call`, or None if it may."""
    if call.eligible_kinds and structure.kind not in call.eligible_kinds:
        return ValidationError(
            _("This call is not open to structures of the kind “%(kind)s”.")
            % {"kind": structure.get_kind_display()}, code="not_eligible")
    territories = set(call.eligible_territories.values_list("pk", flat=True))
    if territories and not territories & {structure.department_id, structure.region_id}:
        where = structure.territory_label or _("no territory given")
        return ValidationError(
            _("This call is not open to structures of your territory (%(territory)s).")
            % {"territory": where}, code="not_eligible")
    return None


def _refuse_if_closed(call: Call) -> None:
    now = timezone.now()
    if not call.is_published or call.is_archived:
        raise ValidationError(_("This call is not open."), code="call_not_open")
    if now < call.opens_at:
        raise ValidationError(
            _("This call opens on %(date)s (Paris time).")
            % {"date": format_deadline(call.opens_at)}, code="call_not_open")
    if now >= call.closes_at:
        raise ValidationError(
            _("The call closed on %(deadline)s (Paris time): applications can no longer be "
              "submitted.") % {"deadline": format_deadline(call.closes_at)},
            code="deadline_passed")


@transaction.atomic
def start_application(call: Call, structure: Structure, *, by, title: str = "") -> Application:
    """Open the structure's application to the call, or return the one it already has."""
    if not Membership.objects.filter(user=by, structure=structure).exists():
        raise ValidationError({"structure": ValidationError(
            _("You can only apply for a structure you belong to."), code="not_member")})
    existing = Application.objects.filter(call=call, structure=structure).first()
    if existing is not None:
        return existing
    _refuse_if_closed(call)
    refusal = eligibility_refusal(call, structure)
    if refusal is not None:
        raise ValidationError({"structure": refusal})
    title = " ".join(title.split())[:200] or (
        _("Expression of interest of %(structure)s") % {"structure": structure}
        if call.is_for_expressions_of_interest else str(structure)
    )[:200]
    try:
        with transaction.atomic():
            return Application.objects.create(
                call=call, structure=structure, title=title, created_by=by,
                territory=structure.department or structure.region,
            )
    except IntegrityError:
        # A colleague started it at the same moment: resume theirs.
        return Application.objects.get(call=call, structure=structure)


def _refuse_unless_draft(application: Application) -> None:
    if not application.is_draft:
        raise ValidationError(_("This application was submitted: it can no longer change."),
                              code="already_submitted")


def question_field(question: Question) -> str:
    """The name of a question's field in the application form."""
    return f"question_{question.pk}"


def _answer_value(question: Question, value):
    """Check one answer and turn it into the fields of an Answer row."""
    field = question_field(question)
    if question.kind == Question.Kind.NUMBER:
        if value in (None, ""):
            return {"number": None}
        try:
            number = Decimal(value).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationError({field: ValidationError(_("Enter a number."),
                                                          code="invalid_number")}) from None
        if abs(number) >= Decimal("1e12"):
            raise ValidationError({field: ValidationError(_("This number is too large."),
                                                          code="number_too_large")})
        return {"number": number}
    text = "" if value is None else str(value).strip()
    if question.kind == Question.Kind.CHOICE and text and text not in question.choices:
        raise ValidationError({field: ValidationError(_("Choose one of the options."),
                                                      code="invalid_choice")})
    return {"text": text}


@transaction.atomic
def save_application_draft(application: Application, *, by, fields=None, answers=None,
                           files=None, cleared_files=(), adoption_choices=None) -> Application:
    """Keep what the applicant wrote, even incomplete; nothing is checked for completeness.

    `answers` maps question ids to values, `files` question ids to uploaded files,
    `adoption_choices` innovation ids to (motivation, capacity) for a call for expressions
    of interest: innovations left out are no longer chosen.
    """
    application = Application.objects.select_for_update().select_related("call").get(
        pk=application.pk)
    _refuse_unless_draft(application)
    call = application.call
    fields = fields or {}
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"Not an application field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean(exclude=["call", "structure", "created_by", "submitted_by",
                                    "decided_by", "innovation"])
    application.save()

    questions = {q.pk: q for q in call.questions.all()}
    existing = {a.question_id: a for a in application.answers.all()}
    errors = {}
    for question_id, value in (answers or {}).items():
        question = questions.get(int(question_id))
        if question is None or question.kind == Question.Kind.FILE:
            continue
        try:
            values = _answer_value(question, value)
        except ValidationError as error:
            errors.update(error.error_dict)
            continue
        answer = existing.get(question.pk) or Answer(application=application, question=question)
        for name, new in values.items():
            setattr(answer, name, new)
        answer.save()
    old_files = []
    for question_id in cleared_files:
        answer = existing.get(int(question_id))
        if answer is not None and answer.file:
            old_files.append(answer.file.name)
            answer.file = ""
            answer.save(update_fields=["file"])
    for question_id, uploaded in (files or {}).items():
        question = questions.get(int(question_id))
        if question is None or question.kind != Question.Kind.FILE:
            continue
        try:
            validate_upload(uploaded)
        except ValidationError as error:
            errors[question_field(question)] = error
            continue
        answer = existing.get(question.pk) or Answer(application=application, question=question)
        if answer.file:
            old_files.append(answer.file.name)
        answer.file.save(uploaded.name, uploaded, save=False)
        answer.save()
    if adoption_choices is not None:
        _save_adoption_choices(application, adoption_choices, errors)
    if errors:
        raise ValidationError(errors)
    if old_files:
        storage = Answer._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    return application


def _save_adoption_choices(application: Application, choices: dict, errors: dict) -> None:
    offered = set(application.call.offered_innovations.values_list("pk", flat=True))
    wanted = {}
    for innovation_id, (motivation, capacity) in choices.items():
        if int(innovation_id) not in offered:
            errors["adoption_choices"] = ValidationError(
                _("Choose among the innovations this call offers."), code="not_offered")
            return
        wanted[int(innovation_id)] = (motivation.strip(), capacity.strip())
    application.adoption_choices.exclude(innovation__in=wanted).delete()
    existing = {c.innovation_id: c for c in application.adoption_choices.all()}
    for innovation_id, (motivation, capacity) in wanted.items():
        choice = existing.get(innovation_id) or AdoptionChoice(application=application,
                                                               innovation_id=innovation_id)
        choice.motivation, choice.capacity = motivation, capacity
        choice.save()


def missing_for_submission(application: Application) -> dict:
    """What the application lacks, keyed by the form field it concerns."""
    call = application.call
    errors = {}
    if not application.title.strip():
        errors["title"] = ValidationError(_("Give your project a title."), code="missing_title")
    if call.scaling_plan == Call.ScalingPlan.REQUIRED and asks_scaling_plan(call) and not (
        application.scaling_plan.strip()
    ):
        errors["scaling_plan"] = ValidationError(
            _("This call requires a scaling-up plan."), code="missing_scaling_plan")
    answers = {a.question_id: a for a in application.answers.select_related("question")}
    for question in call.questions.all():
        answer = answers.get(question.pk)
        if question.is_required and (answer is None or answer.is_empty):
            errors[question_field(question)] = ValidationError(
                _("This question requires an answer."), code="missing_answer")
    if call.is_for_expressions_of_interest:
        choices = list(application.adoption_choices.all())
        if not choices:
            errors["adoption_choices"] = ValidationError(
                _("Choose at least one innovation you want to adopt."),
                code="no_adoption_choice")
        for choice in choices:
            if not choice.motivation or not choice.capacity:
                errors[f"motivation_{choice.innovation_id}"] = ValidationError(
                    _("Say why you want to adopt it and what you can devote to it."),
                    code="missing_motivation")
    return errors


@transaction.atomic
def submit_application(application: Application, *, by) -> Application:
    """Hand the application in before the deadline, complete; it cannot change afterwards."""
    application = Application.objects.select_for_update().select_related(
        "call", "structure").get(pk=application.pk)
    _refuse_unless_draft(application)
    _refuse_if_closed(application.call)
    refusal = eligibility_refusal(application.call, application.structure)
    if refusal is not None:
        raise refusal
    missing = missing_for_submission(application)
    if missing:
        raise ValidationError(missing)
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.submitted_by = by
    application.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return application


# --- Screening and decisions -----------------------------------------------------------------


@transaction.atomic
def screen_application(application: Application, *, is_eligible: bool, note: str = "",
                       by) -> Application:
    """Record whether a submitted application meets the call's conditions."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.is_draft:
        raise ValidationError(_("This application has not been submitted."),
                              code="not_submitted")
    if application.is_decided:
        raise ValidationError(_("A decision was recorded on this application: change the "
                                "decision instead."), code="already_decided")
    application.status = (Application.Status.ELIGIBLE if is_eligible
                          else Application.Status.INELIGIBLE)
    application.eligibility_note = note.strip()
    application.save(update_fields=["status", "eligibility_note", "updated_at"])
    return application


@transaction.atomic
def decide_application(application: Application, *, decision: str, message: str = "",
                       by) -> Application:
    """Select, wait-list or reject an eligible application, and tell the applicants.

    Selecting an application to a call for projects creates (or links) its innovation record.
    """
    application = Application.objects.select_for_update(of=("self",)).select_related(
        "call", "structure", "innovation").get(pk=application.pk)
    if decision not in Application.DECISIONS:
        raise ValidationError({"decision": ValidationError(_("Choose a decision."),
                                                           code="invalid_decision")})
    if application.is_draft:
        raise ValidationError(_("This application has not been submitted."),
                              code="not_submitted")
    if application.status == Application.Status.SUBMITTED:
        raise ValidationError(_("Screen the application's eligibility before deciding."),
                              code="not_screened")
    if application.status == Application.Status.INELIGIBLE:
        raise ValidationError(_("This application was found not eligible."),
                              code="not_eligible")
    application.status = decision
    application.decision_message = message.strip()
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save(update_fields=["status", "decision_message", "decided_at", "decided_by",
                                    "updated_at"])
    # In a call for expressions of interest, structures are chosen as adopters: no new record.
    call = application.call
    if decision == Application.Status.SELECTED and not call.is_for_expressions_of_interest:
        innovation_for_selected_application(application, author=by)

    from ..tasks import send_decision_email_task

    # Queue after commit: until then the worker cannot see the decision.
    transaction.on_commit(lambda: send_decision_email_task.delay(application.pk))
    return application


def decision_recipients(application: Application) -> list[User]:
    """Who hears of a decision: the person who submitted and the structure's managers."""
    return list(
        User.objects.filter(is_active=True).filter(
            Q(pk=application.submitted_by_id)
            | Q(memberships__structure=application.structure_id,
                memberships__role=Membership.Role.MANAGER)
        ).distinct().order_by("pk")
    )



def send_decision_email(application: Application) -> int:
    """E-mail the decision to each recipient once, in their language; returns how many."""
    from essaimage.emails import absolute_url, send_templated_email

    if not application.is_decided or application.decided_at is None:
        return 0
    innovation_url = ""
    if application.status == Application.Status.SELECTED and application.innovation_id:
        innovation_url = absolute_url(application.innovation.get_absolute_url())
    sent = 0
    for person in decision_recipients(application):
        key = (f"innovations:decision-email:{application.pk}:"
               f"{application.decided_at.timestamp()}:{person.pk}")
        if not claim_send(key):
            continue
        try:
            send_templated_email(
                "application_decision",
                to=[person.email],
                language=person.language or "fr",
                context={
                    "person": person,
                    "application": application,
                    "call": application.call,
                    "is_selected": application.status == Application.Status.SELECTED,
                    "is_waiting_list": application.status == Application.Status.WAITING_LIST,
                    "application_url": absolute_url(application.get_absolute_url()),
                    "innovation_url": innovation_url,
                },
            )
        except Exception:
            release_send(key)  # let the retry send it
            raise
        sent += 1
    return sent


def offered_innovations_choices():
    """Innovations a call for expressions of interest may offer: the published ones."""
    return Innovation.objects.published().select_related("owner").order_by("title")
