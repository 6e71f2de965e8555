"""The project, site and funder reports as PDF, read back with pdftotext: the key figures are
the pages' own, and a 50-site project report stays under 2 MB."""

import time

from essaimage.reports import get_kind, render_pdf
from programmes.models import FundingPool
from programmes.queries.funding import pool_totals

from ..factories import ScalingProjectFactory
from .reports_support import (  # noqa: F401
    full_project,
    pdf_text,
    project_of_sites,
    second_funder,
    squeeze,
)


def read(key, subject) -> tuple[str, int, bytes]:
    """The report's text as laid out (rows of tables on one line) then as drawn (the words of
    a cell together), and its pages."""
    pdf, pages = render_pdf(get_kind(key), subject, {})
    assert pdf.startswith(b"%PDF")
    return squeeze(pdf_text(pdf)) + " | " + squeeze(pdf_text(pdf, layout=False)), pages, pdf


def test_the_project_report_holds_the_pages_figures(full_project, funder_structure,
                                                     second_funder):
    text, pages, _pdf = read("project_report", full_project)

    assert pages >= 10  # title, contents, then a page per chapter
    assert "Essaimage de TAPAJ" in text and "AIS#Emploi 2018" in text
    # The pool's totals, as its selector computes them: optioned, confirmed, paid, to pay.
    totals = pool_totals(FundingPool.objects.get(project=full_project)).total
    assert (totals.optioned, totals.confirmed, totals.paid) == (70000, 40000, 12500.50)
    assert "70 000 40 000 12 500,50 27 499,50" in text
    assert f"{funder_structure.name} " in text and second_funder.name in text
    # The indicator against its target, as the dashboard has it: 12 + 9 + 7 of 40.
    assert "28 personnes" in text and "40 personnes" in text
    assert "54,55 %" in text  # the pooled percentage, with no target
    for words in ("Conseil départemental de la Nièvre", "Travail payé à la journée",
                  "Les fondamentaux de TAPAJ", "Les sites appliquent le cœur du modèle.",
                  "Essor Emploi Nièvre", "Atelier Le Fil", "Nièvre (58)", "Isère (38)"):
        assert words in text, words


def test_the_site_report_holds_the_sites_figures(full_project, bob_site):
    text, pages, _pdf = read("site_report", bob_site)

    assert pages >= 5
    assert "Essor Emploi Nièvre" in text and "Essaimage de TAPAJ" in text
    assert "21 personnes" in text and "20 personnes" in text  # its figure and its target
    for words in ("T1 2025", "T2 2025", "Auto-évaluation 2025",
                  "L'accueil est-il inconditionnel", "Les fondamentaux de TAPAJ",
                  "Espaces verts de la ville de Nevers", "100 %"):
        assert words in text, words


def test_the_funder_report_holds_its_options(full_project, funder_structure):
    text, pages, _pdf = read("funder_report", funder_structure)

    assert pages >= 4
    assert funder_structure.name in text and "AIS#Emploi 2018" in text
    assert "Essaimage de TAPAJ" in text
    assert "40 000 40 000 12 500,50 27 499,50" in text  # its option, then the total


def test_a_fifty_site_project_report_stays_under_two_megabytes(programme, capsys):
    project = ScalingProjectFactory(programme=programme, title="Projet de cinquante sites")
    project_of_sites(project, 50)

    started = time.perf_counter()
    text, pages, pdf = read("project_report", project)
    elapsed = time.perf_counter() - started

    assert len(pdf) < 2 * 1024 * 1024
    assert "Structure essaimée n°49" in text
    with capsys.disabled():
        print(f"\n50-site project report: {len(pdf) / 1024:.0f} KB, {pages} pages, "
              f"{elapsed:.1f} s")
