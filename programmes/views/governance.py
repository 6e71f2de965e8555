"""Being written in this session."""

from django.http import Http404


def stakeholder_list(request, *args, **kwargs):
    raise Http404


def stakeholder_update(request, *args, **kwargs):
    raise Http404


def stakeholder_delete(request, *args, **kwargs):
    raise Http404


def body_list(request, *args, **kwargs):
    raise Http404


def body_detail(request, *args, **kwargs):
    raise Http404


def body_members(request, *args, **kwargs):
    raise Http404


def meeting_create(request, *args, **kwargs):
    raise Http404


def meeting_detail(request, *args, **kwargs):
    raise Http404


def meeting_update(request, *args, **kwargs):
    raise Http404


def meeting_attendance(request, *args, **kwargs):
    raise Http404


def decision_create(request, *args, **kwargs):
    raise Http404


def action_create(request, *args, **kwargs):
    raise Http404


def document_upload(request, *args, **kwargs):
    raise Http404


def meeting_ics(request, *args, **kwargs):
    raise Http404


def document_download(request, *args, **kwargs):
    raise Http404


def action_update(request, *args, **kwargs):
    raise Http404


def action_list(request, *args, **kwargs):
    raise Http404


def awareness_list(request, *args, **kwargs):
    raise Http404


def awareness_update(request, *args, **kwargs):
    raise Http404

