"""create_with_history: the rows and history bulk_create_with_history would write, by COPY on
PostgreSQL."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from communities.models import Structure
from essaimage.bulk import create_with_history
from programmes.models import Payment
from tests.factories import FundingOptionFactory, department

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="COPY is PostgreSQL's; elsewhere simple_history writes")

# What a row and its history are compared on (ids and dates differ between two writes).
STRUCTURE_FIELDS = ["name", "kind", "siret", "city", "department_id", "region_id",
                    "search_text", "is_archived", "created_by_id", "external_ref"]
HISTORY_FIELDS = ["name", "kind", "siret", "city", "department_id", "region_id",
                  "is_archived", "created_by_id", "external_ref", "history_type",
                  "history_user_id", "history_change_reason"]


def structures(prefix: str, count: int, user) -> list[Structure]:
    nievre = department("58")
    return [Structure(name=f"{prefix} {n}", kind=Structure.Kind.ASSOCIATION,
                      siret="", city="Nevers", department=nievre, region_id=nievre.parent_id,
                      search_text=f"{prefix.lower()} {n} nevers", created_by=user,
                      external_ref=f"{prefix}-{n}")
            for n in range(count)]


def rows(queryset, fields, prefix):
    return [tuple(value.replace(prefix, "*").replace(prefix.lower(), "*")
                  if isinstance(value, str) else value for value in row)
            for row in queryset.order_by("external_ref").values_list(*fields)]


def test_rows_and_history_are_those_simple_history_writes(alice):
    copied = create_with_history(structures("COPY", 5, alice), Structure, user=alice,
                                 reason="import")
    bulk_create_with_history(structures("ORM", 5, alice), Structure, default_user=alice,
                             default_change_reason="import")

    assert all(structure.pk and not structure._state.adding for structure in copied)
    assert Structure.objects.filter(pk__in=[s.pk for s in copied]).count() == 5
    by_copy = Structure.objects.filter(external_ref__startswith="COPY")
    by_orm = Structure.objects.filter(external_ref__startswith="ORM")
    assert rows(by_copy, STRUCTURE_FIELDS, "COPY") == rows(by_orm, STRUCTURE_FIELDS, "ORM")
    history_copy = Structure.history.filter(external_ref__startswith="COPY")
    history_orm = Structure.history.filter(external_ref__startswith="ORM")
    assert rows(history_copy, HISTORY_FIELDS, "COPY") == rows(history_orm, HISTORY_FIELDS,
                                                             "ORM")
    assert {h.id for h in history_copy} == {s.pk for s in copied}
    assert all(abs(h.history_date - timezone.now()) < timedelta(minutes=1)
               for h in history_copy)


def test_defaults_are_written_and_the_sequence_moves_past_the_copied_ids(alice):
    copied = create_with_history(structures("SEQ", 3, alice), Structure, user=alice,
                                 reason="import")

    later = Structure.objects.create(name="Après l'import", kind=Structure.Kind.ASSOCIATION)

    assert later.pk > max(structure.pk for structure in copied)
    saved = Structure.objects.get(pk=copied[0].pk)
    assert saved.created_at == copied[0].created_at
    assert saved.updated_at is not None  # auto_now, set as save() sets it


def test_decimal_and_date_fields_are_prepared(alice):
    option = FundingOptionFactory()
    payments = [Payment(option=option, amount=Decimal("1234.5"), paid_on=date(2026, 3, 31),
                        reference=f"V-{n}", recorded_by=alice) for n in range(2)]

    create_with_history(payments, Payment, user=alice, reason="import")

    saved = Payment.objects.get(reference="V-1")
    assert (saved.amount, saved.paid_on) == (Decimal("1234.50"), date(2026, 3, 31))
    assert saved.history.get().amount == Decimal("1234.50")


def test_a_row_the_database_refuses_leaves_nothing_written(alice):
    refused = Payment(option=FundingOptionFactory(), amount=Decimal("-1"),
                      paid_on=date(2026, 3, 31), reference="NEG")

    with pytest.raises(IntegrityError), transaction.atomic():
        create_with_history(structures("ROLLBACK", 2, alice), Structure, user=alice,
                            reason="import")
        create_with_history([refused], Payment, user=alice, reason="import")

    assert not Structure.objects.filter(external_ref__startswith="ROLLBACK").exists()
    assert not Structure.history.filter(external_ref__startswith="ROLLBACK").exists()
    assert not Payment.objects.exists()


def test_nothing_to_create_runs_no_query(alice, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert create_with_history([], Structure, user=alice, reason="import") == []
