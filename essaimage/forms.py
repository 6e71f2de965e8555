"""Pieces every app's views share to turn service refusals into form errors or messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash_service_error(request, error: ValidationError) -> None:
    """Show a service's refusal as a message, for actions that have no form to hold it (a
    button that confirms, cancels or moves something)."""
    messages.error(request, " ".join(error.messages))
