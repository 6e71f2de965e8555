"""Forms of peer review: scoring a rubric and declaring a conflict of interest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.reviews import comment_field, score_field

# Up to this maximum, scores are buttons to click; above it, a number to type.
MAX_SCORE_AS_BUTTONS = 10


class ReviewForm(forms.Form):
    """One score and one comment per criterion of the call's rubric, and an overall comment."""

    comment = forms.CharField(label=_("Overall comment"), required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What the committee should remember of this "
                                          "application."))

    def __init__(self, *args, criteria, scores=None, **kwargs):
        self.criteria = list(criteria)
        scores = scores or {}
        initial = kwargs.pop("initial", {})
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            if score is not None:
                initial[score_field(criterion)] = score.value
                initial[comment_field(criterion)] = score.comment
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in self.criteria:
            if criterion.max_score <= MAX_SCORE_AS_BUTTONS:
                field = forms.TypedChoiceField(
                    coerce=int, empty_value=None, required=False,
                    choices=[(value, str(value)) for value in range(criterion.max_score + 1)],
                    widget=forms.RadioSelect(attrs={"class": "score-choices"}),
                )
            else:
                field = forms.IntegerField(required=False, min_value=0,
                                           max_value=criterion.max_score)
            field.label = _("Score out of %(max)s") % {"max": criterion.max_score}
            self.fields[score_field(criterion)] = field
            self.fields[comment_field(criterion)] = forms.CharField(
                label=_("Comment"), required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}))

    def rows(self):
        for criterion in self.criteria:
            yield {"criterion": criterion, "score": self[score_field(criterion)],
                   "comment": self[comment_field(criterion)],
                   "as_buttons": criterion.max_score <= MAX_SCORE_AS_BUTTONS}

    def scores(self) -> dict:
        """The cleaned scores as the services take them: criterion id → (value, comment)."""
        return {
            criterion.pk: (self.cleaned_data.get(score_field(criterion)),
                           self.cleaned_data.get(comment_field(criterion), ""))
            for criterion in self.criteria
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("What links you to this application?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: you work for the applicant structure or a partner, you "
                    "advised the project, a relative is involved. Staff read it; the applicant "
                    "does not."),
    )
