from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Membership, Structure, Territory, User
from ..validators import compact, validate_rna, validate_siret

DESCRIPTION_MAX_LENGTH = 5000


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: people are known by their name."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.language = getattr(request, "LANGUAGE_CODE", "fr")
        user.save(update_fields=["first_name", "last_name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "job_title", "phone", "language"]


class IdentifierField(forms.CharField):
    """A SIRET or RNA number as people type it: spaces, dots and dashes are dropped."""

    # Room for the separators people type between groups of digits.
    TYPING_ALLOWANCE = 8

    def to_python(self, value):
        return compact(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["maxlength"] = str(self.max_length + self.TYPING_ALLOWANCE)
        return attrs


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class StructureForm(forms.ModelForm):
    region = TerritoryChoiceField(
        queryset=Territory.objects.regions().order_by("name"),
        required=False,
        label=_("Region"),
        help_text=_("Filled in from the département when you choose one."),
    )
    department = TerritoryChoiceField(
        queryset=Territory.objects.departments().order_by("code"),
        required=False,
        label=_("Département"),
        help_text=_("Left empty, it is deduced from the postal code."),
    )
    siret = IdentifierField(
        label=_("SIRET"), required=False, max_length=14, validators=[validate_siret],
        help_text=_("14 digits, as on the INSEE register."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rna = IdentifierField(
        label=_("RNA number"), required=False, max_length=10, validators=[validate_rna],
        help_text=_("For associations: W followed by 9 digits, e.g. W751234567."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "acronym",
            "kind",
            "siret",
            "rna",
            "street_address",
            "postal_code",
            "city",
            "department",
            "region",
            "website",
            "email",
            "phone",
            "description",
        ]
        widgets = {
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def clean_siret(self):
        siret = self.cleaned_data["siret"]
        self._refuse_duplicate("siret", siret, _("A structure with this SIRET is already "
                                                 "registered: %(name)s. Ask its managers to "
                                                 "invite you."))
        return siret

    def clean_rna(self):
        rna = self.cleaned_data["rna"]
        self._refuse_duplicate("rna", rna, _("A structure with this RNA number is already "
                                             "registered: %(name)s. Ask its managers to "
                                             "invite you."))
        return rna

    def _refuse_duplicate(self, field, value, message):
        if not value:
            return
        others = Structure.objects.filter(**{field: value}).exclude(pk=self.instance.pk)
        existing = others.only("name").first()
        if existing is not None:
            raise forms.ValidationError(message, code="duplicate", params={"name": existing.name})


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
