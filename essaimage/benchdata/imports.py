"""The bench's import: a 50,000-row structures CSV, analysed then imported through the
services, as the worker runs them (goal: under 60 s on PostgreSQL)."""

import csv
import os
import tempfile
import time

from django.core.files import File
from django.db import connection

STRUCTURE_IMPORT_ROWS = 50_000
# External references of the bench's imported structures, so that each run removes the
# previous run's and imports the same 50,000 new rows again.
REF_PREFIX = "BENCH-IMPORT-"
HEADER = ["SIRET", "RNA", "Référence externe", "Nom", "Sigle", "Type", "Adresse",
          "Code postal", "Ville", "Département", "Site web", "E-mail", "Téléphone",
          "Description"]
DEPARTMENTS = ["01", "13", "2A", "33", "58", "59", "69", "75", "93", "974"]
POSTAL = {"01": "01000", "13": "13001", "2A": "20000", "33": "33000", "58": "58000",
          "59": "59000", "69": "69001", "75": "75011", "93": "93200", "974": "97400"}


def bench_siret(number: int) -> str:
    """A valid SIRET (Luhn) of the bench, from a number: 13 digits starting with 9 and the
    check digit."""
    base = f"9{number:012d}"
    total = 0
    for position, char in enumerate(reversed(base)):
        digit = int(char)
        if position % 2 == 0:  # doubled once the check digit is appended
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return base + str((10 - total % 10) % 10)


def write_structures_csv(path: str, count: int = STRUCTURE_IMPORT_ROWS) -> str:
    """Write `count` structures as French Excel saves them (UTF-8 with BOM, ";")."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for number in range(count):
            code = DEPARTMENTS[number % len(DEPARTMENTS)]
            writer.writerow([
                bench_siret(number), "", f"{REF_PREFIX}{number}",
                f"Structure importée n°{number}", "", "Association",
                f"{number % 200 + 1} rue de l'Essaim", POSTAL[code], "Ville", code,
                "", f"contact{number}@bench.example.org", "01 23 45 67 89",
                "Une structure du banc d'essai des imports",
            ])
    return path


def remove_imported_structures() -> int:
    """Remove what an earlier bench import created, and its history. In SQL: the ORM's delete
    would look for rows depending on each of 50,000 structures (they have none) and write a
    "deleted" history row for each."""
    from communities.models import Structure

    history = Structure.history.model
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(history._meta.db_table)} "
                       "WHERE external_ref LIKE %s", [f"{REF_PREFIX}%"])
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Structure._meta.db_table)} "
                       "WHERE external_ref LIKE %s", [f"{REF_PREFIX}%"])
        return cursor.rowcount


def upload_structures_csv(user, count: int = STRUCTURE_IMPORT_ROWS) -> int:
    """Remove the previous run's structures, write the CSV and keep it as an uploaded import
    of `user`; return the import's id."""
    from essaimage.models import ImportJob

    remove_imported_structures()
    descriptor, path = tempfile.mkstemp(suffix=".csv")
    os.close(descriptor)
    try:
        write_structures_csv(path, count)
        job = ImportJob(kind="structures", author=user, original_name="bench-structures.csv")
        with open(path, "rb") as handle:
            job.file.save("bench-structures.csv", File(handle), save=False)
        job.save()
        return job.pk
    finally:
        os.unlink(path)


def analyse_and_import(job_id: int) -> int:
    """Analyse the uploaded file and import it through the services, as the worker would;
    return how many structures were created. The timings of both steps are kept in the
    import's report."""
    from essaimage.imports.services import analyse_import, run_import
    from essaimage.models import ImportJob

    started = time.perf_counter()
    analyse_import(job_id)
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.PREVIEW_READY or job.error_count:
        raise RuntimeError(f"Bench import analysis: {job.status} {job.error} "
                           f"{job.report.get('errors', [])[:3]}")
    analysed = time.perf_counter()
    # What confirm_import does before queuing the task, which runs here, as the worker's.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CONFIRMED)
    run_import(job.pk)
    job.refresh_from_db()
    if job.status != ImportJob.Status.DONE:
        raise RuntimeError(f"Bench import: {job.status} {job.error}")
    job.report["timings"] = {"analysis": round(analysed - started, 2),
                             "import": round(time.perf_counter() - analysed, 2)}
    ImportJob.objects.filter(pk=job.pk).update(report=job.report)
    job.file.delete(save=False)
    return job.to_create
