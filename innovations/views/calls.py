"""Work in progress: being written in this session."""

from django.http import Http404


def call_list(request, *args, **kwargs):
    raise Http404


def call_create(request, *args, **kwargs):
    raise Http404


def call_detail(request, *args, **kwargs):
    raise Http404


def call_update(request, *args, **kwargs):
    raise Http404


def call_questions(request, *args, **kwargs):
    raise Http404


def call_rubric(request, *args, **kwargs):
    raise Http404


def call_publish(request, *args, **kwargs):
    raise Http404


def call_extend(request, *args, **kwargs):
    raise Http404


def application_start(request, *args, **kwargs):
    raise Http404


def call_applications(request, *args, **kwargs):
    raise Http404


def call_assign(request, *args, **kwargs):
    raise Http404


def call_ranking(request, *args, **kwargs):
    raise Http404


def application_list(request, *args, **kwargs):
    raise Http404


def application_detail(request, *args, **kwargs):
    raise Http404


def application_edit(request, *args, **kwargs):
    raise Http404


def application_submit(request, *args, **kwargs):
    raise Http404


def answer_file(request, *args, **kwargs):
    raise Http404


def application_screen(request, *args, **kwargs):
    raise Http404


def application_decide(request, *args, **kwargs):
    raise Http404


def assignment_remove(request, *args, **kwargs):
    raise Http404

