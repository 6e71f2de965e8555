"""Every change to a project's evaluation plan: the plan and its three phases, a phase's
questions, methods, dates, status, findings and conclusion, and the reports attached to it."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from essaimage.uploads import validate_upload
from programmes.models import ScalingProject

from ..models import EvaluationPhase, EvaluationPlan, PhaseReport

# Reports are documents to read or to rework: no images, no plain text.
REPORT_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".odt")
REPORT_MAX_BYTES = 10 * 1024 * 1024
PHASE_FIELDS = ("questions", "methods", "evaluator", "starts_on", "ends_on", "status",
                "findings", "conclusion")


@transaction.atomic
def create_plan(project: ScalingProject, *, by=None) -> EvaluationPlan:
    """Give the project its evaluation plan with its three phases, planned; at most once."""
    plan, _created = EvaluationPlan.objects.get_or_create(project=project)
    existing = set(plan.phases.values_list("number", flat=True))
    EvaluationPhase.objects.bulk_create([
        EvaluationPhase(plan=plan, number=number)
        for number in EvaluationPhase.Number.values if number not in existing
    ])
    return plan


def _check_phase(phase: EvaluationPhase) -> None:
    errors = {}
    unknown = [code for code in phase.methods if code not in EvaluationPhase.Method.values]
    if unknown:
        errors["methods"] = ValidationError(
            _("Unknown method: %(methods)s.") % {"methods": ", ".join(map(str, unknown))},
            code="unknown_method")
    if phase.starts_on and phase.ends_on and phase.ends_on < phase.starts_on:
        errors["ends_on"] = ValidationError(
            _("The phase cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": date_format(phase.ends_on, "SHORT_DATE_FORMAT"),
               "start": date_format(phase.starts_on, "SHORT_DATE_FORMAT")},
            code="ends_before_start")
    if phase.status not in EvaluationPhase.Status.values:
        errors["status"] = ValidationError(_("Unknown status."), code="unknown_status")
    elif (phase.status == EvaluationPhase.Status.COMPLETED
          and not (phase.conclusion or "").strip()):
        errors["conclusion"] = ValidationError(
            _("A completed phase needs its conclusion: write what the phase concluded before "
              "marking it completed."), code="conclusion_required")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_phase(phase: EvaluationPhase, *, by=None, **fields) -> EvaluationPhase:
    """Change what a phase asks, how, by whom, when, where it stands and what it found."""
    unexpected = set(fields) - set(PHASE_FIELDS)
    if unexpected:
        raise TypeError(f"update_phase() got unexpected fields: {sorted(unexpected)}")
    changed, before = [], {name: getattr(phase, name) for name in fields}
    for name, value in fields.items():
        if name in ("questions", "evaluator", "findings", "conclusion"):
            value = (value or "").strip()
        if name == "methods":
            # Keep the order of the choices, whatever order they were ticked in.
            value = sorted(set(value or []), key=lambda code: (
                EvaluationPhase.Method.values.index(code)
                if code in EvaluationPhase.Method.values else 99, code))
        if getattr(phase, name) != value:
            setattr(phase, name, value)
            changed.append(name)
    try:
        _check_phase(phase)
    except ValidationError:
        # The caller's object stays as it was in the database.
        for name, value in before.items():
            setattr(phase, name, value)
        raise
    if changed:
        phase.save(update_fields=[*changed, "updated_at"])
    return phase


def check_report_file(file) -> None:
    """Refuse a report that is not a PDF, Word, Excel or OpenDocument text, or too heavy."""
    extension = PurePath(file.name).suffix.lower()
    if extension not in REPORT_EXTENSIONS:
        raise ValidationError({"file": ValidationError(
            _("Reports must be %(accepted)s files; this one is %(extension)s.")
            % {"accepted": ", ".join(e.lstrip(".") for e in REPORT_EXTENSIONS),
               "extension": extension.lstrip(".") or _("without extension")},
            code="file_type")})
    try:
        validate_upload(file, max_bytes=REPORT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None


@transaction.atomic
def upload_phase_report(phase: EvaluationPhase, *, by, title: str, file) -> PhaseReport:
    """Attach a report to the phase; only the project's readers may download it."""
    check_report_file(file)
    title = (title or "").strip() or PurePath(file.name).stem[:200]
    report = PhaseReport(phase=phase, title=title, file=file, uploaded_by=by)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def delete_phase_report(report: PhaseReport, *, by=None) -> None:
    """Remove a report from its phase, and its file once the row is gone for good."""
    storage, name = report.file.storage, report.file.name
    report.delete()
    transaction.on_commit(lambda: storage.delete(name))
