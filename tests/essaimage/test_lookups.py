"""`__any`: the rows `__in` gives, with the list sent as one parameter on PostgreSQL."""

import pytest
from django.db import connection

from communities.models import Structure
from tests.factories import StructureFactory, department


@pytest.fixture
def structures(db):
    return [StructureFactory(name=f"S{n}") for n in range(4)]


def test_any_finds_what_in_finds(structures):
    ids = [structures[0].pk, structures[2].pk, 10**12]

    assert (sorted(Structure.objects.filter(pk__any=ids).values_list("pk", flat=True))
            == sorted(Structure.objects.filter(pk__in=ids).values_list("pk", flat=True))
            == [structures[0].pk, structures[2].pk])
    assert (set(Structure.objects.exclude(pk__any=ids))
            == set(Structure.objects.exclude(pk__in=ids)))


def test_any_follows_a_relation_by_its_ids(structures):
    nievre = department("58")

    assert Structure.objects.filter(department__any=[nievre.pk]).count() == 4
    assert Structure.objects.filter(department__any=[nievre.parent_id]).count() == 0


def test_an_empty_list_matches_nothing_without_a_query(structures, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(Structure.objects.filter(pk__any=[])) == []


def test_a_subquery_is_refused_with_a_pointer_to_in(structures):
    with pytest.raises(TypeError, match="__in"):
        Structure.objects.filter(pk__any=Structure.objects.values("pk"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array is PostgreSQL's")
def test_the_list_is_one_parameter(structures):
    ids = [structure.pk for structure in structures]

    sql, params = Structure.objects.filter(pk__any=ids).query.sql_with_params()

    assert "= ANY(%s)" in sql
    assert params == (ids,)
