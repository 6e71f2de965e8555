"""Forms of the evaluation plan: a phase's details and a report to attach to it. The services
check the rules (dates in order, known methods, a conclusion before completion, file types)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import EvaluationPhase
from ..services.plans import REPORT_EXTENSIONS, REPORT_MAX_BYTES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PhaseForm(forms.Form):
    questions = forms.CharField(
        label=_("Evaluation questions"), required=False,
        help_text=_("One question per line."), widget=forms.Textarea(attrs={"rows": 4}))
    methods = forms.MultipleChoiceField(
        label=_("Methods"), required=False, choices=EvaluationPhase.Method.choices,
        widget=forms.CheckboxSelectMultiple)
    evaluator = forms.CharField(
        label=_("Who evaluates"), required=False, max_length=200,
        help_text=_("The team, the external evaluator or the peers who lead this phase."))
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("End"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=EvaluationPhase.Status.choices)
    findings = forms.CharField(label=_("Findings"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5}))
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to mark the phase completed."))

    @classmethod
    def for_phase(cls, phase: EvaluationPhase, data=None):
        initial = {name: getattr(phase, name) for name in (
            "questions", "methods", "evaluator", "starts_on", "ends_on", "status", "findings",
            "conclusion")}
        return cls(data, initial=initial)


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("By default, the name of the file."))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; %(size)s MB at most.") % {
            "types": ", ".join(e.lstrip(".").upper() for e in REPORT_EXTENSIONS),
            "size": REPORT_MAX_BYTES // (1024 * 1024)}
        self.fields["file"].widget.attrs["accept"] = ",".join(REPORT_EXTENSIONS)
