"""Spreadsheet imports (CSV or XLSX): a registry of importers, and the machinery every app
shares to read files, clean cells and report, row by row, what an import would do.

essaimage may not import the apps above it: each app registers the importers it knows how to
run, in its AppConfig.ready() (communities: structures; innovations: innovations; programmes:
adopter sites; evaluations: indicator values), as it registers its report kinds.

An import goes in two steps (essaimage.imports.services, kept in `ImportJob`):

1. **Analysis**: the file is read (essaimage.imports.reading), each row cleaned and matched,
   nothing is written; the preview says which rows would create or update what, and lists
   every error with its row, column, value and reason.
2. **Import**, once the person confirms a preview without errors: the file is analysed again
   (the database may have changed meanwhile) and written in one transaction, all or nothing.

Formulas: in XLSX files a formula gives the value Excel last computed (openpyxl's data_only);
a text cell, in CSV or XLSX, that starts like a formula (=, @, or + / - not followed by a
number) is **refused** with a row-level error rather than stored neutralised: a value such as
"=HYPERLINK(...)" is never what a structure's name or an indicator's value should be, and a
refused cell makes the person look at their file rather than carry a mangled value along.

Adding an importer, in the app that knows its data (see communities/importers.py):

- a subclass of `Importer` with a `key`, a `label`, its `columns` (French headers, as the
  templates show them), `may_import(user)`, `analyse(rows, user=..., analysis=...)` and
  `apply(analysis, user=..., progress=...)`;
- `register_importer(MyImporter())` in the app's AppConfig.ready().
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .values import BadValue, fold_header, parse_boolean, parse_date, parse_decimal, text_of

__all__ = [
    "Analysis", "BadValue", "Cells", "Column", "Importer", "Row", "get_importer",
    "importers_for", "register_importer",
]

# Rows listed in the preview, per kind of change; errors are all kept up to this many.
PREVIEW_ROWS = 50
ERRORS_KEPT = 10_000


@dataclass(frozen=True)
class Column:
    """A column of an import file."""

    key: str  # the name the importer reads the cell by
    header: str  # the French header of the templates (the file format is French)
    label: Promise | str = ""  # what the column holds, in the reader's language
    required: bool = False
    example: str = ""
    # Other headers accepted for this column (folded: case and accents do not matter).
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {fold_header(name) for name in (self.header, self.key, *self.aliases)}


@dataclass
class Row:
    """A line of the file with its cells by column key; `number` is the line in the file as
    a spreadsheet shows it (the header is line 1)."""

    number: int
    values: dict


@dataclass
class Change:
    row: int
    label: str
    payload: object = None


class Analysis:
    """What an import would do: the changes, row by row, and every error."""

    def __init__(self, columns: Iterable[Column] = ()):
        self.headers = {column.key: column.header for column in columns}
        self.errors: list[dict] = []
        self.error_count = 0
        self.creates: list[Change] = []
        self.updates: list[Change] = []
        self.skipped_blank = 0
        self._seen: dict[tuple, int] = {}
        # Anything the importer wants to keep between analysis and apply.
        self.context: dict = {}

    def error(self, row: "Row | int", column: str | None, value, reason: str) -> None:
        """Record that `row` cannot be imported, because of `column` (a key) if it is one
        cell's fault."""
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({
                "row": row.number if isinstance(row, Row) else row,
                "column": self.headers.get(column, column or ""),
                "value": "" if value is None else str(value)[:200],
                "reason": str(reason),
            })

    def create(self, row: Row, label: str, payload=None) -> None:
        self.creates.append(Change(row.number, str(label), payload))

    def update(self, row: Row, label: str, payload=None) -> None:
        self.updates.append(Change(row.number, str(label), payload))

    def first_seen(self, kind: str, key, row: Row) -> int | None:
        """The earlier row that had the same `key` (e.g. ("siret", "123...")), or None the
        first time: the same thing twice in one file is an error."""
        if key in (None, "", ()):
            return None
        earlier = self._seen.get((kind, key))
        if earlier is None:
            self._seen[(kind, key)] = row.number
        return earlier

    @property
    def rows_in_error(self) -> set[int]:
        return {error["row"] for error in self.errors}

    def as_report(self) -> dict:
        return {
            "errors": sorted(self.errors, key=lambda error: error["row"]),
            "create": [{"row": c.row, "label": c.label} for c in self.creates[:PREVIEW_ROWS]],
            "update": [{"row": c.row, "label": c.label} for c in self.updates[:PREVIEW_ROWS]],
            "skipped_blank": self.skipped_blank,
        }


class Cells:
    """One row's cells, cleaned one by one: each reader returns the value, or None after
    recording the error; `ok` says whether the row is clean so far."""

    def __init__(self, row: Row, analysis: Analysis):
        self.row = row
        self.analysis = analysis
        self.ok = True

    def raw(self, key: str):
        return self.row.values.get(key)

    def fail(self, key: str | None, reason: str, value=None) -> None:
        self.ok = False
        self.analysis.error(self.row, key, self.raw(key) if value is None and key else value,
                            reason)

    def _missing(self, key: str, required: bool) -> bool:
        raw = self.row.values.get(key)
        if raw is not None and (not isinstance(raw, str) or raw.strip()):
            return False
        if required:
            self.fail(key, _("This column must be filled in."), "")
        return True

    def text(self, key: str, *, max_length: int | None = None, required: bool = False) -> str:
        value = text_of(self.row.values.get(key))
        if not value:
            if required:
                self.fail(key, _("This column must be filled in."), "")
            return ""
        if max_length and len(value) > max_length:
            self.fail(key, _("At most %(max)d characters (this cell has %(count)d).")
                      % {"max": max_length, "count": len(value)})
            return ""
        return value

    def _parsed(self, key: str, parser: Callable, required: bool):
        if self._missing(key, required):
            return None
        try:
            return parser(self.raw(key))
        except BadValue as bad:
            self.fail(key, bad.reason)
            return None

    def decimal(self, key: str, *, required: bool = False):
        return self._parsed(key, parse_decimal, required)

    def date(self, key: str, *, required: bool = False):
        return self._parsed(key, parse_date, required)

    def boolean(self, key: str, *, required: bool = False):
        return self._parsed(key, parse_boolean, required)

    def choice(self, key: str, choices, *, required: bool = False):
        """A value of a TextChoices, typed as its value ("association") or its label in
        French or English ("Association"), whatever the case and accents."""
        if self._missing(key, required):
            return None
        from .values import choice_lookup

        value = choice_lookup(choices).get(fold_header(text_of(self.raw(key))))
        if value is None:
            self.fail(key, _("Not one of the allowed values (see the template's second "
                             "sheet)."))
        return value


class Importer(ABC):
    """A kind of import, registered by the app that knows its data. Abstract: an importer
    that cannot say who may import, analyse or apply fails when its app registers it, not
    in the middle of someone's import."""

    key: str = ""  # "structures", "innovations", "sites", "indicator_values"
    label: Promise | str = ""
    description: Promise | str = ""
    columns: tuple[Column, ...] = ()
    template_name: str = "import"  # the templates' file name, without extension

    @abstractmethod
    def may_import(self, user) -> bool:
        """Whether `user` may run this import (and see its template)."""

    def allowed_values(self, user) -> dict[str, list[str]]:
        """The allowed values of some columns, for the template's second sheet."""
        return {}

    @abstractmethod
    def analyse(self, rows: list[Row], *, user, analysis: Analysis,
                progress: Callable[[int], None]) -> None:
        """Clean and match every row, writing nothing: fill `analysis`."""

    @abstractmethod
    def apply(self, analysis: Analysis, *, user, progress: Callable[[int], None]) -> dict:
        """Write the analysed changes (inside the caller's transaction); return what the
        done page shows (e.g. {"url": ...})."""

    def result_url(self, job) -> str:
        """Where the done page sends people to see what was imported."""
        return ((job.report or {}).get("result") or {}).get("url", "")

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


_importers: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    """Make `importer` available; registering the same key again replaces it."""
    if not importer.key or len(importer.key) > 50:
        raise ImproperlyConfigured(f"Invalid importer key: {importer.key!r}")
    _importers[importer.key] = importer


def get_importer(key: str) -> Importer | None:
    return _importers.get(key)


def importers_for(user) -> list[Importer]:
    """The importers `user` may run, in registration order."""
    return [importer for importer in _importers.values() if importer.may_import(user)]

