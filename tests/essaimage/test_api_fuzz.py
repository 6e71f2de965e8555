"""Schemathesis fuzzes every GET operation of the API's own schema against the application:
no answer is a server error, and every answer conforms to the schema (status, content type,
body)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from programmes.models import Decision
from tests.essaimage.api_helpers import token_header
from tests.factories import (
    DisaggregationCategoryFactory,
    IndicatorValueFactory,
    MeetingFactory,
    ReportingPeriodFactory,
    SiteReportFactory,
    ThemeFactory,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, ignored_auth]
# Enough to go through every parameter, in well under two minutes for the 16 operations.
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}


@pytest.fixture
def populated(pipeline_cast, project, bob_site, carol_site, steering_committee):
    """A row of every kind the API lists, with its optional parts filled in."""
    meeting = MeetingFactory(body=steering_committee, agenda="Sites\nIndicateurs",
                             starts_at=timezone.now() - timedelta(days=3),
                             ends_at=timezone.now() - timedelta(days=3, hours=-2))
    Decision.objects.create(meeting=meeting, text="Les sites sont retenus.")
    project.innovation.themes.add(ThemeFactory(name="Emploi", slug="emploi"))
    period = ReportingPeriodFactory(project=project, starts_on=date(2025, 1, 1))
    value = IndicatorValueFactory(report=SiteReportFactory(site=bob_site, period=period),
                                  value=Decimal("12.5"))
    DisaggregationCategoryFactory(disaggregation__indicator=value.indicator)
    IndicatorValueFactory(report=value.report, indicator=value.indicator, value=None,
                          numerator=Decimal("3"), denominator=Decimal("4"),
                          category=value.indicator.disaggregations.get().categories.get())
    return pipeline_cast


@pytest.fixture
def wsgi_app(db):
    """The application as a server runs it, on the test's connection: like Django's test
    client, it must not close the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(populated, wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)


@override_settings(API_THROTTLE_RATE="100000/minute")
def test_every_get_operation_answers_within_its_schema(api_schema, populated):
    token = token_header(populated["admin"])["HTTP_AUTHORIZATION"]
    headers = {"Authorization": token}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 16
    assert {operation.method for operation in operations} == {"get"}

    for operation in operations:
        for mode, examples in EXAMPLES.items():
            if mode == GenerationMode.NEGATIVE and "{id}" in operation.path:
                # An id path parameter has no invalid form schemathesis can send as a path
                # (test_api.py tries "1.5" and an extra segment).
                continue

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            fuzz()
