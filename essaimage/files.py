"""Serving files that only some people may download."""

from pathlib import PurePath

from django.http import FileResponse, Http404


def private_file_response(field_file, *, filename: str = "") -> FileResponse:
    """Stream a stored file as a download, after the caller has checked who asks for it
    (named `filename`, or as stored)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True,
                        filename=filename or PurePath(field_file.name).name)
