"""The importers' registry: what an app may register."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from essaimage.imports import Importer, get_importer, register_importer


class AnalyseOnly(Importer):
    key = "analyse_only"

    def may_import(self, user):
        return True

    def analyse(self, rows, *, user, analysis, progress):
        pass


def test_an_importer_that_cannot_apply_fails_when_built_not_during_an_import():
    with pytest.raises(TypeError, match="apply"):
        register_importer(AnalyseOnly())
    assert get_importer("analyse_only") is None


def test_an_importer_without_a_key_is_refused():
    class Keyless(AnalyseOnly):
        key = ""

        def apply(self, analysis, *, user, progress):
            return {}

    with pytest.raises(ImproperlyConfigured):
        register_importer(Keyless())


def test_every_app_registers_its_importer():
    assert {key: get_importer(key).__class__.__name__
            for key in ("structures", "innovations", "sites", "indicator_values")} == {
        "structures": "StructureImporter", "innovations": "InnovationImporter",
        "sites": "SiteImporter", "indicator_values": "IndicatorValueImporter"}
