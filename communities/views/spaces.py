from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage.files import private_file_response
from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without
from essaimage.scoping import require

from ..forms.spaces import FeedFilterForm, HideForm, PostEditForm, ReplyForm, ThreadForm
from ..permissions import (
    can_edit_post,
    can_mark_helpful,
    can_moderate_space,
    get_attachment_for_user,
    get_post_for_user,
    get_space_for_user,
    get_thread_for_user,
)
from ..selectors import spaces as selectors
from ..selectors.events import upcoming_events_for_space
from ..services import spaces as services

# --- Spaces ----------------------------------------------------------------------------------


@login_required
def space_list(request):
    spaces = selectors.spaces_of(request.user)
    page = Paginator(spaces, selectors.SPACES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query_without(request, "page")}
    return render(request, "communities/spaces/space_list.html", context)


@login_required
def space_detail(request, pk):
    space = get_space_for_user(request.user, pk)
    can_moderate = can_moderate_space(request.user, space)
    form = FeedFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    threads = selectors.thread_feed(space, can_moderate=can_moderate,
                                    kind=filters.get("kind", ""), text=filters.get("q", ""))
    context = {
        "space": space,
        "can_moderate": can_moderate,
        "form": form,
        "is_filtered": bool(filters.get("kind") or filters.get("q")),
        "page": selectors.feed_page(threads, request.GET.get("page")),
        "query": query_without(request, "page"),
    }
    if not request.htmx:
        context["space_events"] = upcoming_events_for_space(space)
    template = ("communities/spaces/_thread_results.html" if request.htmx
                else "communities/spaces/space_detail.html")
    return render(request, template, context)


@login_required
def space_members(request, pk):
    space = get_space_for_user(request.user, pk)
    structures = Paginator(selectors.structures_of(space), selectors.MEMBERS_PAGE_SIZE)
    context = {
        "space": space,
        "page": structures.get_page(request.GET.get("page")),
        "members": selectors.named_members_of(space),
        "query": query_without(request, "page"),
    }
    return render(request, "communities/spaces/space_members.html", context)


# --- Threads -----------------------------------------------------------------------------------


@login_required
def thread_create(request, pk):
    space = get_space_for_user(request.user, pk)
    form = ThreadForm(request.POST or None, request.FILES or None)
    if space.is_archived:
        messages.error(request, _("This space is archived: nobody writes in it any more."))
        return redirect(space)
    if form.is_valid():
        try:
            thread = services.create_thread(
                space, author=request.user, title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"], body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your thread is published."))
            return redirect(thread)
    context = {"space": space, "form": form,
               "people": selectors.people_to_mention(space)}
    return render(request, "communities/spaces/thread_form.html", context)


def _render_thread(request, thread, *, reply_form=None, page_number=None):
    can_moderate = thread.viewer_moderates
    page = selectors.thread_page(thread, page_number or request.GET.get("page"))
    for post in page.posts:
        post.can_edit = can_edit_post(request.user, post, moderates=can_moderate)
    context = {
        "thread": thread,
        "space": thread.space,
        "can_moderate": can_moderate,
        "can_mark_helpful": (thread.kind == thread.Kind.QUESTION
                             and can_mark_helpful(request.user, thread, moderates=can_moderate)),
        "can_reply": not thread.is_locked and not thread.space.is_archived,
        "page": page,
        "helpful_url": selectors.post_url(page.helpful) if page.helpful else "",
        "reply_form": reply_form or ReplyForm(),
        "people": selectors.people_to_mention(thread.space),
        "query": query_without(request, "page"),
    }
    return render(request, "communities/spaces/thread_detail.html", context)


@login_required
def thread_detail(request, pk):
    thread = get_thread_for_user(request.user, pk)
    return _render_thread(request, thread)


@login_required
@require_POST
def thread_reply(request, pk):
    thread = get_thread_for_user(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            post = services.add_reply(thread, author=request.user,
                                      body=form.cleaned_data["body"],
                                      files=form.cleaned_data["attachments"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your reply is published."))
            return redirect(selectors.reply_url(post, post.thread.reply_count))
    return _render_thread(request, thread, reply_form=form, page_number="last")


@login_required
def post_edit(request, pk):
    post = get_post_for_user(request.user, pk, write=True)
    form = PostEditForm(request.POST or None, post=post,
                        initial={"body": post.body, "title": post.thread.title})
    if form.is_valid():
        try:
            services.edit_post(post, by=request.user, body=form.cleaned_data["body"],
                               title=form.cleaned_data.get("title"))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Message saved."))
            return redirect(selectors.post_url(post))
    context = {"post": post, "thread": post.thread, "space": post.thread.space, "form": form,
               "people": selectors.people_to_mention(post.thread.space)}
    return render(request, "communities/spaces/post_form.html", context)


@login_required
@require_POST
def mark_helpful(request, pk):
    post = get_post_for_user(request.user, pk)
    thread = post.thread
    require(can_mark_helpful(request.user, thread, moderates=post.viewer_moderates))
    try:
        services.mark_helpful(thread, post, by=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
        return redirect(thread)
    messages.success(request, _("Marked as the helpful answer."))
    return redirect(selectors.post_url(post))


@login_required
def attachment_download(request, pk):
    attachment = get_attachment_for_user(request.user, pk)
    response = private_file_response(attachment.file)
    response.headers["Content-Disposition"] = content_disposition_header(True, attachment.name)
    return response


# --- Moderation ---------------------------------------------------------------------------------


def _hide(request, target, *, hide, thread):
    form = HideForm(request.POST or None)
    if form.is_valid():
        try:
            hide(target, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Hidden. Only the moderators see it now, with the "
                                        "reason."))
            return redirect(thread)
    context = {"form": form, "target": target, "thread": thread, "space": thread.space,
               "is_thread": target is thread}
    return render(request, "communities/spaces/hide_form.html", context)


@login_required
def post_hide(request, pk):
    post = get_post_for_user(request.user, pk, moderate=True)
    return _hide(request, post, hide=services.hide_post, thread=post.thread)


@login_required
@require_POST
def post_unhide(request, pk):
    post = get_post_for_user(request.user, pk, moderate=True)
    services.unhide_post(post, by=request.user)
    messages.success(request, _("The message is shown again."))
    return redirect(selectors.post_url(post))


@login_required
def thread_hide(request, pk):
    thread = get_thread_for_user(request.user, pk, moderate=True)
    return _hide(request, thread, hide=services.hide_thread, thread=thread)


@login_required
@require_POST
def thread_unhide(request, pk):
    thread = get_thread_for_user(request.user, pk, moderate=True)
    services.unhide_thread(thread, by=request.user)
    messages.success(request, _("The thread is shown again."))
    return redirect(thread)


@login_required
@require_POST
def thread_lock(request, pk):
    thread = get_thread_for_user(request.user, pk, moderate=True)
    locked = request.POST.get("locked") == "1"
    services.set_thread_locked(thread, locked=locked, by=request.user)
    messages.success(request, _("The thread is locked: it takes no more replies.") if locked
                     else _("The thread is open to replies again."))
    return redirect(thread)


@login_required
@require_POST
def thread_pin(request, pk):
    thread = get_thread_for_user(request.user, pk, moderate=True)
    pinned = request.POST.get("pinned") == "1"
    services.set_thread_pinned(thread, pinned=pinned, by=request.user)
    messages.success(request, _("The thread is pinned at the top of the space.") if pinned
                     else _("The thread is no longer pinned."))
    return redirect(thread)
