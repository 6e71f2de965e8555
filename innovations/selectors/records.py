"""Reads for the innovation record: its page, its economics, suggested models and versions."""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Territory

from ..models import Component, EconomicLine, Innovation, Partner, Revision
from ..scaling import (
    DESCRIPTIONS,
    SUBTYPES,
    ScalingModel,
    ScalingObjective,
    ScalingSubtype,
    suggest_models,
)

Category = EconomicLine.Category
Unit = EconomicLine.Unit
Period = EconomicLine.Period

CENT = Decimal("0.01")
MONTHS = Decimal(12)

# What a beneficiary costs: running the innovation, agent time valued in euros included.
COST_CATEGORIES = (Category.RUNNING_TIME, Category.INVESTMENT, Category.RUNNING_COST)
# What the innovation costs in all: exceptional funding is a resource, costs avoided a gain.
TOTAL_COST_CATEGORIES = (Category.SETUP_TIME, *COST_CATEGORIES)


# --- Numbers in the reader's language ----------------------------------------------------------


def format_number(value: Decimal) -> str:
    """`value` as the reader writes numbers: "12 345,5" in French, "12,345.5" in English."""
    places = 0 if value == value.to_integral_value() else 2
    text = formats.number_format(value, places, use_l10n=True, force_grouping=True)
    if translation.get_language() and translation.get_language().startswith("fr"):
        # French typography groups digits with a narrow no-break space.
        text = text.replace("\xa0", "\u202f").replace(" ", "\u202f")
    return text


@dataclass(frozen=True)
class Quantity:
    """An amount with its unit, shown in the reader's language when rendered."""

    value: Decimal
    unit: str = Unit.EUROS

    def __str__(self):
        number = format_number(self.value)
        if self.unit == Unit.EUROS:
            unit = "€"
        elif self.unit == Unit.DAYS:
            count = int(self.value) if self.value == self.value.to_integral_value() else 2
            unit = ngettext("day", "days", count)
        else:
            unit = _("FTE")
        # A no-break space keeps the number and its unit on one line.
        return f"{number}\u00a0{unit}"

    def __bool__(self):
        return bool(self.value)


# --- The economic model grid ---------------------------------------------------------------


@dataclass
class CategoryTotal:
    """One category of the grid in one unit: one-off, per year, and per beneficiary."""

    category: str
    unit: str
    one_off: Quantity
    annual: Quantity
    per_beneficiary: Quantity

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else _("Total costs")

    @property
    def unit_label(self) -> str:
        return Unit(self.unit).label

    @property
    def is_money(self) -> bool:
        return self.unit == Unit.EUROS


@dataclass
class PerBeneficiary:
    """A figure per beneficiary, or why it cannot be computed."""

    value: Quantity | None = None
    reason: str = ""

    @property
    def is_known(self) -> bool:
        return self.value is not None


@dataclass
class EconomicSummary:
    beneficiaries: int | None
    rows: list[CategoryTotal] = field(default_factory=list)
    cost_per_beneficiary: PerBeneficiary = field(default_factory=PerBeneficiary)
    running_days_per_beneficiary: PerBeneficiary = field(default_factory=PerBeneficiary)
    avoided_per_beneficiary: PerBeneficiary = field(default_factory=PerBeneficiary)
    avoided_per_year: PerBeneficiary = field(default_factory=PerBeneficiary)

    @property
    def beneficiaries_label(self) -> str:
        return format_number(Decimal(self.beneficiaries)) if self.beneficiaries else ""

    @property
    def money_rows(self) -> list[CategoryTotal]:
        return [row for row in self.rows if row.unit == Unit.EUROS]

    @property
    def cost_rows(self) -> list[CategoryTotal]:
        return [row for row in self.money_rows if row.category in TOTAL_COST_CATEGORIES]

    @property
    def other_money_rows(self) -> list[CategoryTotal]:
        """Exceptional funding and costs avoided: money that is not a cost."""
        return [row for row in self.money_rows if row.category not in TOTAL_COST_CATEGORIES]

    @property
    def time_rows(self) -> list[CategoryTotal]:
        return [row for row in self.rows if row.unit != Unit.EUROS]

    @property
    def has_lines(self) -> bool:
        return bool(self.rows)

    @property
    def cost_total(self) -> CategoryTotal | None:
        """All that the innovation costs in euros: funding and costs avoided left out."""
        rows = [r for r in self.money_rows if r.category in TOTAL_COST_CATEGORIES]
        if not rows:
            return None
        return CategoryTotal(
            "", Unit.EUROS,
            *(Quantity(sum((getattr(r, name).value for r in rows), Decimal(0)))
              for name in ("one_off", "annual", "per_beneficiary")),
        )

    def total(self, category, unit=Unit.EUROS) -> CategoryTotal | None:
        return next((r for r in self.rows if r.category == category and r.unit == unit), None)


def _per_beneficiary(annual: Decimal, direct: Decimal, beneficiaries, *, unit,
                     has_lines: bool) -> PerBeneficiary:
    """Annual amount shared among the beneficiaries of a year, plus amounts given per head."""
    if not has_lines:
        return PerBeneficiary(reason=_("No line of the grid counts towards it yet."))
    if annual and not beneficiaries:
        return PerBeneficiary(reason=_(
            "Cannot be computed: give the number of beneficiaries per year in the "
            "description."))
    shared = annual / beneficiaries if annual else Decimal(0)
    return PerBeneficiary(Quantity((shared + direct).quantize(CENT, ROUND_HALF_UP), unit))


def lines_in_grid_order(innovation: Innovation) -> list[EconomicLine]:
    """The grid's lines in the order of its categories, as seed 004 lists them."""
    order = list(Category.values)
    lines = innovation.economic_lines.all()
    return sorted(lines, key=lambda line: (order.index(line.category)
                                           if line.category in order else len(order), line.pk))


def economic_summary(innovation: Innovation, lines=None) -> EconomicSummary:
    """Totals of the economic grid and the costs per beneficiary, computed exactly.

    Monthly amounts count twelve times in a year; one-off amounts stay apart. The cost per
    beneficiary is the annual euros of agent time to run, investments and other running
    costs divided by the beneficiaries per year, plus the lines given per beneficiary.
    """
    if lines is None:
        lines = innovation.economic_lines.all()
    sums = defaultdict(lambda: {"one_off": Decimal(0), "annual": Decimal(0), "direct": Decimal(0)})
    for line in lines:
        total = sums[(line.category, line.unit)]
        if line.period == Period.ONE_OFF:
            total["one_off"] += line.amount
        elif line.period == Period.PER_MONTH:
            total["annual"] += line.amount * MONTHS
        elif line.period == Period.PER_YEAR:
            total["annual"] += line.amount
        else:
            total["direct"] += line.amount

    beneficiaries = innovation.beneficiaries_per_year or None
    summary = EconomicSummary(beneficiaries=beneficiaries)
    for category in Category.values:
        for unit in Unit.values:
            if (category, unit) in sums:
                total = sums[(category, unit)]
                summary.rows.append(CategoryTotal(
                    category, unit, Quantity(total["one_off"], unit),
                    Quantity(total["annual"], unit), Quantity(total["direct"], unit),
                ))

    def combined(categories, unit):
        present = [sums[(c, unit)] for c in categories if (c, unit) in sums]
        annual = sum((t["annual"] for t in present), Decimal(0))
        direct = sum((t["direct"] for t in present), Decimal(0))
        has_lines = any(t["annual"] or t["direct"] for t in present)
        return annual, direct, has_lines

    annual, direct, has_lines = combined(COST_CATEGORIES, Unit.EUROS)
    summary.cost_per_beneficiary = _per_beneficiary(
        annual, direct, beneficiaries, unit=Unit.EUROS, has_lines=has_lines)
    annual, direct, has_lines = combined([Category.RUNNING_TIME], Unit.DAYS)
    summary.running_days_per_beneficiary = _per_beneficiary(
        annual, direct, beneficiaries, unit=Unit.DAYS, has_lines=has_lines)
    annual, direct, has_lines = combined([Category.COST_AVOIDED], Unit.EUROS)
    summary.avoided_per_beneficiary = _per_beneficiary(
        annual, direct, beneficiaries, unit=Unit.EUROS, has_lines=has_lines)
    if not has_lines:
        summary.avoided_per_year = PerBeneficiary(reason=_("No cost avoided recorded yet."))
    elif direct and not beneficiaries:
        summary.avoided_per_year = PerBeneficiary(reason=_(
            "Cannot be computed: give the number of beneficiaries per year in the "
            "description."))
    else:
        yearly = annual + direct * (beneficiaries or 0)
        summary.avoided_per_year = PerBeneficiary(Quantity(yearly.quantize(CENT), Unit.EUROS))
    return summary


# --- Scaling models suggested by the seed's matrix --------------------------------------------


@dataclass
class ModelSuggestion:
    model: str
    reasons: list[str]
    covers_all: bool
    considered_subtype: str | None  # None when the innovator does not consider the model

    @property
    def label(self) -> str:
        return ScalingModel(self.model).label

    @property
    def description(self) -> str:
        return str(DESCRIPTIONS[ScalingModel(self.model)])

    @property
    def is_considered(self) -> bool:
        return self.considered_subtype is not None

    @property
    def subtype_label(self) -> str:
        return _subtype_label(self.considered_subtype)

    @property
    def subtypes(self) -> list[str]:
        return [s.label for s in SUBTYPES[ScalingModel(self.model)]]


def _subtype_label(subtype) -> str:
    return ScalingSubtype(subtype).label if subtype in ScalingSubtype.values else ""


def model_suggestions(objectives, considered=None) -> list[ModelSuggestion]:
    """The models serving `objectives`, with the objectives each serves as its reason,
    marking those already considered (`considered` maps a model to its sub-type)."""
    considered = considered or {}
    valid = [o for o in objectives if o in ScalingObjective.values]
    return [
        ModelSuggestion(
            model=str(suggestion.model),
            reasons=[str(ScalingObjective(o).label) for o in suggestion.objectives],
            covers_all=suggestion.covers_all,
            considered_subtype=considered.get(str(suggestion.model)),
        )
        for suggestion in suggest_models(valid)
    ]


@dataclass
class ConsideredModel:
    model: str
    subtype: str
    is_suggested: bool

    @property
    def label(self) -> str:
        return ScalingModel(self.model).label

    @property
    def subtype_label(self) -> str:
        return _subtype_label(self.subtype)

    @property
    def description(self) -> str:
        return str(DESCRIPTIONS[ScalingModel(self.model)])


def considered_models(choices, suggestions) -> list[ConsideredModel]:
    suggested = {s.model for s in suggestions}
    order = list(ScalingModel.values)
    rows = [ConsideredModel(c.model, c.subtype, c.model in suggested)
            for c in choices if c.model in order]
    return sorted(rows, key=lambda row: order.index(row.model))


# --- The record's page -------------------------------------------------------------------


@dataclass
class PartnerGroup:
    phase: str
    label: str
    partners: list


@dataclass
class RecordPage:
    """Everything the record's page shows, read in a fixed number of queries."""

    innovation: Innovation
    themes: list
    publics: list
    territories: list
    steps: list
    core_components: list
    adaptable_components: list
    partner_groups: list[PartnerGroup]
    economics: EconomicSummary
    objectives: list[str]
    suggestions: list[ModelSuggestion]
    models: list[ConsideredModel]
    latest_revision: Revision | None


def prefetch_record(innovation: Innovation) -> None:
    """Load the record's related rows, one query per kind of row."""
    prefetch_related_objects(
        [innovation], "themes", "publics",
        Prefetch("territories", queryset=Territory.objects.order_by("kind", "name")),
        "steps", "components",
        Prefetch("partners", queryset=Partner.objects.select_related("structure")),
        "economic_lines", "model_choices",
    )


def record_page(innovation: Innovation) -> RecordPage:
    """The readable record ("fiche innovation") of `innovation`."""
    prefetch_record(innovation)
    components = list(innovation.components.all())
    partners = list(innovation.partners.all())
    groups = [
        PartnerGroup(phase, label, [p for p in partners if p.phase == phase])
        for phase, label in Partner.Phase.choices
    ]
    choices = list(innovation.model_choices.all())
    suggestions = model_suggestions(innovation.scaling_objectives,
                                    {c.model: c.subtype for c in choices})
    latest = (innovation.revisions.select_related("author").defer("snapshot")
              .order_by("-number").first())
    return RecordPage(
        innovation=innovation,
        themes=list(innovation.themes.all()),
        publics=list(innovation.publics.all()),
        territories=list(innovation.territories.all()),
        steps=list(innovation.steps.all()),
        core_components=[c for c in components if c.kind == Component.Kind.CORE],
        adaptable_components=[c for c in components if c.kind == Component.Kind.ADAPTABLE],
        partner_groups=[g for g in groups if g.partners],
        economics=economic_summary(innovation, innovation.economic_lines.all()),
        objectives=innovation.objective_labels,
        suggestions=suggestions,
        models=considered_models(choices, suggestions),
        latest_revision=latest,
    )


def latest_version_number(innovation: Innovation) -> int:
    """The number of the record's last version, 0 if it has none."""
    latest = innovation.revisions.order_by("-number").values_list("number", flat=True).first()
    return latest or 0


# --- Versions and their comparison -----------------------------------------------------------


def versions_of(innovation: Innovation):
    """The record's versions, newest first, without their (large) content."""
    return innovation.revisions.select_related("author").defer("snapshot").order_by("-number")


@dataclass
class Segment:
    """A piece of a text comparison: kept ("equal"), removed ("delete") or added ("insert")."""

    op: str
    text: str

    @property
    def is_blank(self) -> bool:
        """Only spaces or line breaks: shown with a visible mark, or it would go unseen."""
        return not self.text.strip()

    @property
    def blank_mark(self) -> str:
        return "¶" if "\n" in self.text else "·"


@dataclass
class Change:
    """One field or list that differs between two versions."""

    key: str
    label: str
    kind: str  # "value", "text" or "list"
    old: str = ""
    new: str = ""
    segments: list[Segment] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def _field_label(name: str) -> str:
    return str(Innovation._meta.get_field(name).verbose_name)


def _labels() -> dict:
    labels = {name: _field_label(name) for name in (
        "title", "summary", "is_public_innovation", "problem", "objectives", "observed_impacts",
        "evidence_level", "evidence_references", "prerequisites", "success_factors",
        "failure_factors", "beneficiaries_per_year", "themes", "publics", "territories",
        "scaling_objectives", "status",
    )}
    labels.update({
        "owner": _("Innovator"),
        "steps": _("Steps of the dispositif"),
        "components": _("Core and adaptable components"),
        "partners": _("Partners"),
        "economic_lines": _("Economic model grid"),
        "scaling_models": _("Scaling models considered"),
    })
    return labels


LONG_TEXTS = {"summary", "problem", "objectives", "observed_impacts", "evidence_references",
              "prerequisites", "success_factors", "failure_factors"}
LISTS = {"themes", "publics", "territories", "scaling_objectives", "steps", "components",
         "partners", "economic_lines", "scaling_models"}
# Beyond this many words, texts are compared line by line: word by word would be slow.
WORD_DIFF_LIMIT = 3000


def _choice_label(choices, value) -> str:
    return str(dict(choices).get(value, value))


def _display_value(key, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "is_public_innovation":
        return _("Yes") if value else _("No")
    if key == "evidence_level":
        return _choice_label(Innovation.EvidenceLevel.choices, value)
    if key == "status":
        return _choice_label(Innovation.Status.choices, value)
    if key == "beneficiaries_per_year":
        return format_number(Decimal(value))
    return str(value)


def _amount(value) -> str:
    try:
        return format_number(Decimal(value))
    except Exception:  # noqa: BLE001 - an old version may hold anything
        return str(value)


def _item_line(key, item) -> str:
    """A list item of a version, written as one line of text."""
    if not isinstance(item, dict):
        if key == "scaling_objectives":
            return _choice_label(ScalingObjective.choices, item)
        return str(item)
    if key == "steps":
        return " — ".join(filter(None, [item.get("title", ""), item.get("description", "")]))
    if key == "components":
        kind = _choice_label(Component.Kind.choices, item.get("kind"))
        text = " — ".join(filter(None, [item.get("title", ""), item.get("description", "")]))
        return _("%(kind)s: %(text)s") % {"kind": kind, "text": text}
    if key == "partners":
        phase = _choice_label(Partner.Phase.choices, item.get("phase"))
        return " — ".join(filter(None, [item.get("name", ""), item.get("contribution", ""),
                                        _("joins at: %(phase)s") % {"phase": phase}]))
    if key == "economic_lines":
        return _("%(category)s: %(label)s%(nature)s, %(amount)s %(unit)s %(period)s") % {
            "category": _choice_label(Category.choices, item.get("category")),
            "label": item.get("label", ""),
            "nature": f" ({item['nature']})" if item.get("nature") else "",
            "amount": _amount(item.get("amount", "")),
            "unit": _choice_label(Unit.choices, item.get("unit")),
            "period": _choice_label(Period.choices, item.get("period")),
        }
    if key == "scaling_models":
        model = _choice_label(ScalingModel.choices, item.get("model"))
        subtype = _subtype_label(item.get("subtype"))
        return f"{model} — {subtype}" if subtype else model
    return ", ".join(f"{k}: {v}" for k, v in sorted(item.items()))


def _tokens(text: str, by_line: bool) -> list[str]:
    if by_line:
        return text.splitlines(keepends=True)
    return re.findall(r"\s+|[^\s]+", text)


def text_diff(old: str, new: str) -> list[Segment]:
    """Word-by-word differences between two texts (line by line when they are long)."""
    old, new = old or "", new or ""
    by_line = max(len(old.split()), len(new.split())) > WORD_DIFF_LIMIT
    a, b = _tokens(old, by_line), _tokens(new, by_line)
    segments = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return segments


def compare_snapshots(old: dict, new: dict) -> list[Change]:
    """The fields and lists that differ between two versions, in the record's order."""
    labels = _labels()
    keys = [k for k in labels if k in old or k in new]
    keys += sorted((set(old) | set(new)) - set(keys))
    changes = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        label = labels.get(key, key)
        if key in LISTS or isinstance(before, list) or isinstance(after, list):
            old_lines = [_item_line(key, item) for item in before or []]
            new_lines = [_item_line(key, item) for item in after or []]
            removed, added = [], []
            matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op in ("delete", "replace"):
                    removed += old_lines[i1:i2]
                if op in ("insert", "replace"):
                    added += new_lines[j1:j2]
            if not removed and not added:
                # Same items, another order.
                removed, added = old_lines, new_lines
            changes.append(Change(key, label, "list", removed=removed, added=added))
        elif key in LONG_TEXTS:
            changes.append(Change(key, label, "text", old=before or "", new=after or "",
                                  segments=text_diff(str(before or ""), str(after or ""))))
        else:
            changes.append(Change(key, label, "value", old=_display_value(key, before),
                                  new=_display_value(key, after)))
    return changes


@dataclass
class Comparison:
    old: Revision
    new: Revision
    changes: list[Change]


def compare_versions(innovation: Innovation, old_number, new_number) -> Comparison | None:
    """Compare two versions of the record by number; None if either does not exist."""
    revisions = {
        r.number: r for r in innovation.revisions.select_related("author")
        .filter(number__in=[old_number, new_number])
    }
    if old_number not in revisions or new_number not in revisions:
        return None
    old, new = revisions[old_number], revisions[new_number]
    return Comparison(old, new, compare_snapshots(old.snapshot, new.snapshot))


def default_comparison_numbers(innovation: Innovation) -> tuple[int, int] | None:
    """The last two versions' numbers, oldest first, or None if there are fewer than two."""
    numbers = list(innovation.revisions.order_by("-number").values_list("number", flat=True)[:2])
    if len(numbers) < 2:
        return None
    return numbers[1], numbers[0]
