"""The innovation record: create it, read it, edit it section by section, publish it,
and compare its versions."""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communities.models import Structure
from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without

from ..forms.records import (
    ComponentFormSet,
    ConditionsForm,
    DescriptionForm,
    EconomicLineFormSet,
    EvidenceForm,
    InnovationCreateForm,
    ListSectionForm,
    PartnerFormSet,
    ScalingForm,
    StepFormSet,
    rows_initial,
)
from ..models import Component, Innovation
from ..permissions import can_edit_innovation, get_innovation_for_user
from ..scaling import ScalingModel, ScalingObjective
from ..selectors import records as selectors
from ..selectors.bank import innovation_bank_context
from ..services import records as services

VERSIONS_PER_PAGE = 30
DIRECTORY_SUGGESTIONS = 15


# --- Sections of the record ------------------------------------------------------------------


def _save_fields(service):
    def save(innovation, form, formsets, **common):
        return service(innovation, **common, **form.section_data())
    return save


def _save_dispositif(innovation, form, formsets, **common):
    return services.update_dispositif(
        innovation, steps=formsets["steps"].rows(), core_components=formsets["core"].rows(),
        adaptable_components=formsets["adaptable"].rows(), **common)


def _save_partners(innovation, form, formsets, **common):
    return services.update_partners(innovation, partners=formsets["partners"].rows(), **common)


def _save_economics(innovation, form, formsets, **common):
    return services.update_economic_grid(innovation, lines=formsets["lines"].rows(), **common)


def _save_scaling(innovation, form, formsets, **common):
    return services.update_scaling(innovation, **common, **form.section_data())


@dataclass(frozen=True)
class FormSetSpec:
    prefix: str
    formset: type
    initial: object  # innovation -> list of dicts
    title: Promise
    row_label: Promise  # with %(number)s
    add_label: Promise
    help: Promise | str = ""


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise
    intro: Promise
    form: type
    save: object
    formsets: tuple[FormSetSpec, ...] = ()
    # Sections whose page shows what the saved data computes stay open after saving.
    stay_after_save: bool = False

    @property
    def template(self) -> str:
        return f"innovations/records/edit_{self.slug}.html"


ROW_FIELDS = ("title", "description")

SECTIONS = {section.slug: section for section in (
    Section("description", services.SECTION_TITLES["description"],
            gettext_lazy("What the innovation is, the problem it answers, whom it serves and "
                         "where it runs today."),
            DescriptionForm, _save_fields(services.update_description)),
    Section("evidence", services.SECTION_TITLES["evidence"],
            gettext_lazy("How well its impact is proven, and where to read the proof."),
            EvidenceForm, _save_fields(services.update_evidence)),
    Section("model", services.SECTION_TITLES["model"],
            gettext_lazy("The dispositif step by step, so that someone else can run it; what "
                         "must stay the same everywhere (core components: the fidelity scale "
                         "scores them) and the margin each adopter may adapt."),
            ListSectionForm, _save_dispositif, formsets=(
                FormSetSpec("steps", StepFormSet,
                            lambda i: rows_initial(i.steps.all(), ROW_FIELDS),
                            gettext_lazy("Steps of the dispositif"),
                            gettext_lazy("Step %(number)s"), gettext_lazy("Add a step"),
                            gettext_lazy("Concrete actions, in the order they happen: who does "
                                         "what, with whom, for how long.")),
                FormSetSpec("core", ComponentFormSet,
                            lambda i: rows_initial([c for c in i.components.all()
                                                    if c.kind == Component.Kind.CORE],
                                                   ROW_FIELDS),
                            gettext_lazy("Core components"),
                            gettext_lazy("Core component %(number)s"),
                            gettext_lazy("Add a core component"),
                            gettext_lazy("What must stay the same wherever it is run.")),
                FormSetSpec("adaptable", ComponentFormSet,
                            lambda i: rows_initial([c for c in i.components.all()
                                                    if c.kind == Component.Kind.ADAPTABLE],
                                                   ROW_FIELDS),
                            gettext_lazy("Adaptable components"),
                            gettext_lazy("Adaptable component %(number)s"),
                            gettext_lazy("Add an adaptable component"),
                            gettext_lazy("What each adopter may adapt to its local context.")),
            )),
    Section("conditions", services.SECTION_TITLES["conditions"],
            gettext_lazy("What must be in place before starting, and what made it work or "
                         "fail."),
            ConditionsForm, _save_fields(services.update_conditions)),
    Section("partners", services.SECTION_TITLES["partners"],
            gettext_lazy("Who takes part, what each brings, and the phase in which it joins."),
            ListSectionForm, _save_partners, formsets=(
                FormSetSpec("partners", PartnerFormSet,
                            lambda i: rows_initial(i.partners.all(),
                                                   ("name", "contribution", "phase", "structure")),
                            gettext_lazy("List of partners"), gettext_lazy("Partner %(number)s"),
                            gettext_lazy("Add a partner"),
                            gettext_lazy("When a partner is in the directory of structures, pick "
                                         "its name among the suggestions: the record then links "
                                         "to its page.")),
            )),
    Section("economics", services.SECTION_TITLES["economics"],
            gettext_lazy("The grid of proposal 4: agent time to set up and to run, investments, "
                         "other running costs, exceptional funding and costs avoided, each "
                         "with its amount, unit and period."),
            ListSectionForm, _save_economics, stay_after_save=True, formsets=(
                FormSetSpec("lines", EconomicLineFormSet,
                            lambda i: rows_initial(selectors.lines_in_grid_order(i), (
                                "category", "label", "nature", "amount", "unit", "period")),
                            gettext_lazy("Lines of the grid"), gettext_lazy("Line %(number)s"),
                            gettext_lazy("Add a line"),
                            gettext_lazy("Amounts accept a decimal comma (1 200,50); a monthly "
                                         "amount counts twelve times a year. The nature says what "
                                         "an investment buys: equipment, premises, software...")),
            )),
    Section("scaling", services.SECTION_TITLES["scaling"],
            gettext_lazy("The objectives pursued by scaling up, and the scaling models "
                         "considered (seed 004, section 2)."),
            ScalingForm, _save_scaling, stay_after_save=True),
)}


def _with_extra_row(data, prefix):
    """The submitted data with one more empty row in the list `prefix`."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        pass  # the formset will say its management data is broken
    return data


def _directory_options(request):
    typed = next((value for key, value in request.GET.items()
                  if re.fullmatch(r"partners-\d+-name", key)), "")
    structures = []
    if len(typed.strip()) >= 2:
        structures = (Structure.objects.visible_to(request.user).search(typed[:100])
                      .with_territories().order_by("name")[:DIRECTORY_SUGGESTIONS])
    return render(request, "innovations/records/_directory_options.html",
                  {"structures": structures})


def _live_suggestions(request):
    """The suggestions for the objectives ticked but not saved yet (htmx)."""
    objectives = [o for o in request.GET.getlist("objectives") if o in ScalingObjective.values]
    considered = {m.value: "" for m in ScalingModel if request.GET.get(f"considered_{m.value}")}
    context = {"suggestions": selectors.model_suggestions(objectives, considered),
               "objectives_chosen": bool(objectives)}
    return render(request, "innovations/records/_suggestions.html", context)


@dataclass
class _FormSetBlock:
    """A list of the section as the page shows it: its rows, each with its legend."""

    spec: FormSetSpec
    formset: object

    @property
    def rows(self):
        initial_count = self.formset.initial_form_count()
        rows = []
        for index, form in enumerate(self.formset.forms):
            legend = str(self.spec.row_label) % {"number": index + 1}
            if index >= initial_count:
                legend = _("%(row)s (new: leave it empty to skip it)") % {"row": legend}
            rows.append((form, legend))
        return rows


def _suggest_from_directory(formset, innovation):
    """As a partner's name is typed, offer the structures of the directory (htmx)."""
    url = reverse("innovations:innovation_edit", args=[innovation.pk, "partners"])
    for form in formset.forms:
        form.fields["name"].widget.attrs.update({
            "hx-get": url, "hx-trigger": "input changed delay:300ms",
            "hx-target": "#directory-structures", "hx-swap": "innerHTML", "hx-sync": "this:replace",
        })


def _bind(request, spec, innovation):
    """The section's form and lists, bound to what was posted (plus a row, if one was added)."""
    data = request.POST if request.method == "POST" else None
    adding = request.POST.get("add") if data is not None else None
    if adding not in {f.prefix for f in spec.formsets}:
        adding = None
    elif adding:
        data = _with_extra_row(data, adding)
    form = spec.form(data, initial=spec.form.initial_for(innovation))
    formsets = {f.prefix: f.formset(data, initial=f.initial(innovation), prefix=f.prefix)
                for f in spec.formsets}
    if adding and formsets[adding].forms:
        # Take the keyboard to the row just added.
        new_form = formsets[adding].forms[-1]
        first = next(name for name in new_form.fields if name != "id")
        new_form.fields[first].widget.attrs["autofocus"] = True
    return form, formsets, adding


def _section_context(section: str, innovation, formsets) -> dict:
    """What a section's page shows beside its form: totals, suggestions..."""
    if section == "economics":
        return {"economics": selectors.economic_summary(innovation,
                                                        innovation.economic_lines.all())}
    if section == "scaling":
        considered = {c.model: c.subtype for c in innovation.model_choices.all()}
        suggestions = selectors.model_suggestions(innovation.scaling_objectives, considered)
        return {"suggestions": suggestions,
                "objectives_chosen": bool(innovation.scaling_objectives),
                "suggested_models": {s.model for s in suggestions}}
    if section == "partners":
        _suggest_from_directory(formsets["partners"], innovation)
    return {}


@login_required
def innovation_edit(request, pk, section):
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404
    innovation = get_innovation_for_user(request.user, pk, write=True)
    if request.htmx and request.method == "GET":
        if section == "partners":
            return _directory_options(request)
        if section == "scaling" and "suggestions" in request.GET:
            return _live_suggestions(request)

    selectors.prefetch_record(innovation)
    latest = selectors.latest_version_number(innovation)
    form, formsets, adding = _bind(request, spec, innovation)
    # The version the editor started from travels with the form until it is saved.
    base_version = latest if not form.is_bound else (
        _version_number(form.data.get("base_version")) or latest)
    submitted = form.is_bound and not adding
    if submitted and form.is_valid() & all([fs.is_valid() for fs in formsets.values()]):
        try:
            revision = spec.save(innovation, form, formsets, author=request.user,
                                 comment=form.cleaned_data["comment"],
                                 base_version=form.cleaned_data["base_version"])
        except ValidationError as error:
            apply_service_errors(form, error)
            if getattr(error, "code", None) == "stale_version":
                base_version = latest  # having seen it, saving again replaces the other version
        else:
            if revision is None:
                messages.info(request, _("Nothing changed: no new version was kept."))
            else:
                messages.success(request, _("%(section)s saved as version %(number)s.") % {
                    "section": spec.title, "number": revision.number})
            if spec.stay_after_save:
                return redirect("innovations:innovation_edit", pk=innovation.pk, section=section)
            return redirect(f"{innovation.get_absolute_url()}#{section}")

    context = {
        "innovation": innovation,
        "section": spec,
        "sections": SECTIONS.values(),
        "form": form,
        "formsets": [_FormSetBlock(f, formsets[f.prefix]) for f in spec.formsets],
        "base_version": base_version,
        "has_errors": submitted and bool(
            form.errors or any(fs.total_error_count() for fs in formsets.values())),
        **_section_context(section, innovation, formsets),
    }
    return render(request, spec.template, context)


# --- Creating, reading, publishing ----------------------------------------------------------


@login_required
def innovation_create(request):
    form = InnovationCreateForm(request.POST or None, user=request.user,
                                initial={"owner": request.GET.get("structure")})
    structures = list(form.fields["owner"].queryset)
    if structures and form.is_valid():
        innovation = services.create_innovation(
            owner=form.cleaned_data["owner"], author=request.user,
            title=form.cleaned_data["title"], summary=form.cleaned_data["summary"],
        )
        messages.success(request, _(
            "Draft created. Describe it section by section: only the members of %(structure)s "
            "see it until you publish it.") % {"structure": innovation.owner})
        return redirect("innovations:innovation_edit", pk=innovation.pk, section="description")
    context = {"form": form, "has_structure": bool(structures)}
    return render(request, "innovations/records/innovation_create.html", context)


@login_required
def innovation_detail(request, pk):
    innovation = get_innovation_for_user(request.user, pk)
    can_edit = can_edit_innovation(request.user, innovation)
    page = selectors.record_page(innovation)
    may_publish = can_edit and innovation.status == Innovation.Status.DRAFT
    context = {
        **innovation_bank_context(request.user, innovation),
        "innovation": innovation,
        "page": page,
        "can_edit": can_edit,
        "may_publish": may_publish,
        "gaps": services.publication_gaps(innovation) if may_publish else [],
        "sections": SECTIONS,
    }
    return render(request, "innovations/records/innovation_detail.html", context)


@login_required
@require_POST
def innovation_publish(request, pk):
    innovation = get_innovation_for_user(request.user, pk, write=True)
    try:
        services.publish_innovation(innovation, author=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
        return redirect(f"{innovation.get_absolute_url()}#publication")
    messages.success(request, _("Published: peers can now find it in the knowledge bank."))
    return redirect(innovation)


# --- Versions ---------------------------------------------------------------------------------


def _version_number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2_000_000_000 else None


@login_required
def innovation_versions(request, pk):
    innovation = get_innovation_for_user(request.user, pk)
    page = Paginator(selectors.versions_of(innovation), VERSIONS_PER_PAGE).get_page(
        request.GET.get("page"))
    asked = "de" in request.GET or "a" in request.GET
    old_number = _version_number(request.GET.get("de"))
    new_number = _version_number(request.GET.get("a"))
    comparison = None
    if old_number and new_number:
        comparison = selectors.compare_versions(innovation, old_number, new_number)
    if comparison is None:
        if asked:
            messages.warning(request, _(
                "These versions cannot be compared: the last two versions are shown instead."))
        numbers = selectors.default_comparison_numbers(innovation)
        if numbers:
            comparison = selectors.compare_versions(innovation, *numbers)
    query = query_without(request, "page")
    context = {
        "innovation": innovation,
        "page": page,
        "comparison": comparison,
        "query": query,
    }
    return render(request, "innovations/records/innovation_versions.html", context)
