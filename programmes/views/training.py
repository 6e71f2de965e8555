"""Being written in this session."""

from django.http import Http404


def training_plan(request, *args, **kwargs):
    raise Http404


def module_update(request, *args, **kwargs):
    raise Http404


def session_create(request, *args, **kwargs):
    raise Http404


def session_detail(request, *args, **kwargs):
    raise Http404


def session_update(request, *args, **kwargs):
    raise Http404


def session_register(request, *args, **kwargs):
    raise Http404


def session_attendance(request, *args, **kwargs):
    raise Http404


def registration_cancel(request, *args, **kwargs):
    raise Http404


def registration_feedback(request, *args, **kwargs):
    raise Http404


def toolkit(request, *args, **kwargs):
    raise Http404


def toolkit_acknowledge(request, *args, **kwargs):
    raise Http404

