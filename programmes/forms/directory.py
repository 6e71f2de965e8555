"""The filters of a programme's directory."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Territory

from ..models import AdopterSite
from ..queries.directory import UNLISTED_STATUSES


class DirectoryFilterForm(forms.Form):
    """Filters by project, status, région and département (by INSEE code, so that addresses
    read ?department=58, as the map's links do)."""

    project = forms.ChoiceField(label=_("Scaling project"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses"))] + [
            (value, label) for value, label in AdopterSite.Status.choices
            if value not in UNLISTED_STATUSES])
    region = forms.ChoiceField(label=_("Region"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, projects=(), territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._projects = {str(project.pk): project for project in projects}
        self._regions = {t.code: t for t in territories if t.kind == Territory.Kind.REGION}
        self._departments = {t.code: t for t in territories
                             if t.kind == Territory.Kind.DEPARTMENT}
        self.fields["project"].choices = [("", _("All projects"))] + [
            (pk, project.title) for pk, project in self._projects.items()]
        self.fields["region"].choices = [("", _("All regions"))] + sorted(
            ((code, t.name) for code, t in self._regions.items()), key=lambda c: c[1])
        self.fields["department"].choices = [("", _("All départements"))] + [
            (code, str(t)) for code, t in self._departments.items()]

    def filters(self) -> dict:
        """The valid filters; a value the directory does not know is dropped, never refused."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "project": self._projects.get(data.get("project") or ""),
            "status": data.get("status", ""),
            "region": self._regions.get(data.get("region") or ""),
            "department": self._departments.get(data.get("department") or ""),
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.filters().values())
