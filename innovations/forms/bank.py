"""Forms of the knowledge bank: the search, endorsements, comments, resources and ratings."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities.models import Structure

from ..models import Comment, Endorsement, Innovation, Resource
from ..scaling import ScalingModel
from ..selectors.bank import BankFilters, Sort
from essaimage.uploads import MAX_UPLOAD_BYTES, SIGNATURES, validate_upload

QUERY_MAX_LENGTH = 200
COMMENT_MAX_LENGTH = Comment._meta.get_field("body").max_length
ENDORSEMENT_COMMENT_MAX_LENGTH = Endorsement._meta.get_field("comment").max_length
RATING_COMMENT_MAX_LENGTH = 2000
RESOURCE_DESCRIPTION_MAX_LENGTH = 5000


# --- Search -------------------------------------------------------------------------------


class FacetField(forms.MultipleChoiceField):
    """Values of a facet, read from the address: unknown ones are dropped, never refused.

    An address may outlive the values it names (a theme renamed, a link typed by hand); the
    page then shows what it still can rather than an error.
    """

    widget = forms.CheckboxSelectMultiple
    MAX_VALUES = 30

    def __init__(self, *, pattern: str = r"[\w-]{1,100}", **kwargs):
        self.pattern = re.compile(pattern)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        if not isinstance(value, (list, tuple)):
            value = [value] if value else []
        known = {str(choice) for choice, _label in self.choices}
        kept = []
        for item in value:
            item = str(item).strip()
            valid = item in known if known else bool(self.pattern.fullmatch(item))
            if valid and item not in kept:
                kept.append(item)
        return kept[: self.MAX_VALUES]


class BankSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the bank"), required=False, max_length=QUERY_MAX_LENGTH,
        help_text=_('Words of the title, summary or description. Use quotes for an exact '
                    'phrase and a minus sign to exclude a word: "aller vers" -logement.'),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "spellcheck": "false"}),
    )
    theme = FacetField(label=_("Theme"))
    territory = FacetField(label=_("Region"), pattern=r"[0-9A-Z]{1,3}")
    public = FacetField(label=_("Target public"))
    evidence = FacetField(label=_("Level of evidence"), choices=Innovation.EvidenceLevel.choices)
    model = FacetField(label=_("Scaling model"), choices=ScalingModel.choices)
    stage = FacetField(label=_("Stage"), choices=Innovation.Stage.choices)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=Sort.CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An unknown order in the address falls back to the default rather than failing.
        if self.is_bound and self.data.get("sort") not in dict(Sort.CHOICES):
            self.data = self.data.copy()
            self.data["sort"] = ""

    def filters(self) -> BankFilters:
        """What to search for, from the fields that are valid; the others are left out."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        return BankFilters(
            text=data.get("q", ""),
            themes=tuple(data.get("theme", ())),
            regions=tuple(data.get("territory", ())),
            publics=tuple(data.get("public", ())),
            evidence=tuple(data.get("evidence", ())),
            models=tuple(data.get("model", ())),
            stages=tuple(data.get("stage", ())),
            sort=data.get("sort", ""),
        )


# --- Endorsements and comments ------------------------------------------------------------


class EndorsementForm(forms.Form):
    """ "We run it too" or "we want to adopt it", in one's own name or a structure's."""

    kind = forms.ChoiceField(choices=Endorsement.Kind.choices, widget=forms.HiddenInput)
    structure = forms.ChoiceField(label=_("On behalf of"), required=False)
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=ENDORSEMENT_COMMENT_MAX_LENGTH,
        help_text=_("Your territory, your timing, what you would need to get started."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.structures = {str(structure.pk): structure for structure in structures}
        if self.structures:
            self.fields["structure"].choices = [("", _("In my own name"))] + [
                (pk, structure.name) for pk, structure in self.structures.items()
            ]
        else:
            del self.fields["structure"]

    def clean_structure(self):
        return self.structures.get(self.cleaned_data.get("structure") or "")


class WithdrawEndorsementForm(forms.Form):
    kind = forms.ChoiceField(choices=Endorsement.Kind.choices)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=COMMENT_MAX_LENGTH,
        help_text=_("Plain text, 5,000 characters at most. Be specific and kind: the "
                    "innovator's team reads it."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- Resources ----------------------------------------------------------------------------


def accepted_file_types() -> str:
    return ", ".join(sorted(extension.lstrip(".") for extension in SIGNATURES))


def _model_field(name, **kwargs):
    return Resource._meta.get_field(name).formfield(**kwargs)


class ResourceForm(forms.Form):
    """A resource's description; the file or link is checked by the service."""

    title = _model_field("title")
    kind = _model_field("kind")
    innovation = forms.ModelChoiceField(
        label=_("Innovation"), required=False, queryset=Innovation.objects.none(),
        empty_label=_("None: a standalone resource"),
        help_text=_("The innovation this resource helps to run or to adopt."),
    )
    structure = forms.ModelChoiceField(
        label=_("Published by"), required=False, queryset=Structure.objects.none(),
        empty_label=_("Myself"),
        help_text=_("Members of this structure may update the resource with you."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=RESOURCE_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    file = forms.FileField(
        label=_("File"), required=False, max_length=150,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(SIGNATURES))}),
    )
    url = forms.URLField(
        label=_("Or a link"), required=False, max_length=200, assume_scheme="https",
        help_text=_("Where the resource lives if it is not a file: a website, a video, "
                    "a shared folder."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    licence = _model_field("licence")
    version = _model_field(
        "version", help_text=_("Raised automatically when you upload a new file."))
    is_published = _model_field(
        "is_published", label=_("Published: every signed-in person can find and use it"))

    def __init__(self, *args, user, resource=None, **kwargs):
        if resource is not None:
            kwargs.setdefault("initial", {
                "title": resource.title, "kind": resource.kind,
                "innovation": resource.innovation_id, "structure": resource.structure_id,
                "description": resource.description, "url": resource.url,
                "licence": resource.licence, "version": resource.version,
                "is_published": resource.is_published,
            })
        super().__init__(*args, **kwargs)
        self.fields["innovation"].queryset = (
            Innovation.objects.visible_to(user).only("pk", "title").order_by("title", "pk")
        )
        mine = Q(memberships__user=user)
        if resource is not None and resource.structure_id:
            mine |= Q(pk=resource.structure_id)
        self.fields["structure"].queryset = (
            Structure.objects.filter(mine).distinct().order_by("name")
        )
        accepted = _("Accepted: %(types)s; %(size)s MB at most.") % {
            "types": accepted_file_types(), "size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        self.fields["file"].help_text = accepted
        if resource is not None and resource.file:
            self.fields["file"].label = _("New version of the file")
            self.fields["file"].help_text = _(
                "Leave empty to keep the current file. %(accepted)s"
            ) % {"accepted": accepted}
            self.fields["url"].label = _("Or replace the file with a link")

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            validate_upload(uploaded)
        return uploaded


class ResourceRatingForm(forms.Form):
    stars = forms.IntegerField(label=_("Your rating"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=RATING_COMMENT_MAX_LENGTH,
        help_text=_("What worked for you, what you adapted."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stars"].widget.choices = [
            (n, ngettext("%(n)s star", "%(n)s stars", n) % {"n": n}) for n in range(1, 6)
        ]

    def clean_stars(self):
        stars = self.cleaned_data["stars"]
        if not 1 <= stars <= 5:
            raise ValidationError(_("Give from 1 to 5 stars."), code="stars_out_of_range")
        return stars
