"""The visitor's pages: the request form, my exchanges, one request and its actions.

Every state change goes through exchange.workflow; a GET never changes anything.
"""

import hashlib
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from libraries import availability, public_pages
from libraries.decorators import profile_required
from libraries.models import Library
from web.prepared import Prepared

from . import suggestions, visitor_list, workflow
from .forms import CancelForm, ExchangeRequestForm, RefuseDatesForm, submission_data
from .models import ExchangeRequest, HistoryEntry, State, focus_areas_of
from .next_steps import next_step, with_facts


def _get_exchange_for_user(request, pk: int) -> ExchangeRequest:
    """The signed-in visitor's own request; anyone else's is a 404."""
    return get_object_or_404(ExchangeRequest.objects.with_related(), pk=pk, visitor=request.user)


@profile_required
def my_exchanges(request):
    return render(
        request, "exchange/my_exchanges.html", {"cards": visitor_list.cards(request.user)}
    )


@profile_required
def suggested_hosts(request):
    person = request.user
    context = {
        "suggestions": suggestions.for_librarian(person),
        "interests": list(person.interests.all()),
        "language_wish": person.language_wish,
    }
    return render(request, "exchange/suggestions.html", context)


# What the request page reads, in queries whose shape never changes: each compiled once per
# process (web.prepared). Unordered, as get() reads it.
_DETAIL = Prepared(
    lambda pk: (
        with_facts(ExchangeRequest.objects.with_related())
        .select_related("return_of__visitor")
        .filter(pk=pk)
        .order_by()
    )
)
_HISTORY = Prepared(
    lambda exchange_id: HistoryEntry.objects.filter(exchange_id=exchange_id).order_by("at", "pk")
)


@profile_required
def request_detail(request, pk: int):
    using = ExchangeRequest.objects.db
    found = _DETAIL.instances(pk, using)
    if not found or found[0].visitor_id != request.user.pk:
        raise Http404
    exchange = found[0]
    context = {
        "exchange": exchange,
        "next_step": next_step(exchange),
        "history": _HISTORY.instances(pk, using),
        "focus_areas": focus_areas_of(pk, using),
        "cancel_form": CancelForm(),
        "refuse_form": RefuseDatesForm(),
    }
    return render(request, "exchange/request_detail.html", context)


def _save(request, form: ExchangeRequestForm, *, draft_pk: int | None = None):
    """Save the valid form as a draft and, when asked, submit it, all in one transaction.

    Returns the saved request, or None with the reason added to the form's errors.
    """
    try:
        if form.submitting and draft_pk is None:
            return workflow.submit_new(
                form.save(commit=False), by=request.user, save_m2m=form.save_m2m
            )
        with transaction.atomic():
            if draft_pk is not None:
                # Another tab may have submitted this draft meanwhile.
                locked = ExchangeRequest.objects.select_for_update().get(pk=draft_pk)
                if locked.state != State.DRAFT:
                    raise workflow.TransitionNotAllowed(
                        _("This request has been submitted already and can no longer be edited.")
                    )
            exchange = form.save()
            if form.submitting:
                exchange = workflow.submit(exchange.pk, by=request.user)
    except workflow.TransitionNotAllowed as exc:
        if draft_pk is None:
            form.instance.pk = None
        _refused(form, exc)
        return None
    return exchange


def _refused(form: ExchangeRequestForm, exc: workflow.TransitionNotAllowed) -> None:
    """The workflow's refusal shown as the form shows its own: the days where their fields
    are (the form leaves them to the submission), anything else above the form."""
    if isinstance(exc, workflow.DaysRefused):
        for name, error in exc.errors.items():
            form.add_error(name, error)
    else:
        form.add_error(None, str(exc))


def _saved_message(request, exchange: ExchangeRequest) -> None:
    if exchange.state == State.DRAFT:
        messages.success(request, _("Your draft has been saved. You can continue it later."))
    else:
        messages.success(
            request,
            _("Your request has been sent to your supervisor %(name)s.")
            % {"name": exchange.home_supervisor_label},
        )


def _chosen_host(form: ExchangeRequestForm) -> Library | None:
    """The library the form's host field names now, if it takes visitors."""
    value = form["host_library"].value()
    value = getattr(value, "pk", value)
    try:
        return Library.objects.accepting_visitors().filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _fields(request, form: ExchangeRequestForm, exchange: ExchangeRequest | None) -> str:
    """The form's fieldsets, with the month view of the host it names."""
    context = {"form": form}
    host = _chosen_host(form)
    if host is not None:
        # Without the page's script a free day opens this form again with that first day.
        query = {"host": host.slug} if exchange is None else {}
        pick_url = f"{request.path}?{urlencode(query)}&" if query else f"{request.path}?"
        context["month_view"] = availability.month_view_context(
            host, today=timezone.localdate(), pick_url=pick_url
        )
    return render_to_string("exchange/_request_fields.html", context)


def _form_page(
    request,
    form: ExchangeRequestForm | None,
    exchange: ExchangeRequest | None,
    *,
    fields: str | None = None,
):
    if fields is None:
        fields = _fields(request, form, exchange)
    context = {"form": form, "exchange": exchange, "fields": fields}
    return render(request, "exchange/request_form.html", context)


def _new_request_fields(request, initial: dict) -> str:
    """The empty form's fieldsets, kept in the cache: the same for every visitor of a library
    who starts from the same host and days.

    The key changes with everything they show: the language, the visitor's library (the
    hosts offered, the car kilometres, whether its opening is asked), the host and days
    given, today (the month view's past days). The libraries, municipalities and focus areas
    move the public pages' content version on; the visits a host's month view counts move
    the visits version, which only a form with a host keeps beside its fieldsets
    (public_pages.kept_for_versions)."""
    parts = (
        get_language(),
        request.path,
        request.user.library_id,
        sorted(initial.items()),
        timezone.localdate(),
        settings.PERSONAL_DATA_RETENTION_MONTHS,
    )

    def build() -> str:
        return _fields(request, ExchangeRequestForm(initial=initial, visitor=request.user), None)

    if "host_library" not in initial:
        return public_pages.cached("request-form-fields", parts, build)
    key = "request-form-fields:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return public_pages.kept_for_versions(key, build)


def _days_asked(request) -> dict:
    """First and last day chosen in a month view (?first_day=2027-02-03), as initial values."""
    initial = {}
    for name in ["first_day", "last_day"]:
        try:
            initial[name] = date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            continue
    if "first_day" in initial and "last_day" not in initial:
        initial["last_day"] = initial["first_day"]
    return initial


@profile_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    if request.method == "POST":
        form = ExchangeRequestForm(
            request.POST,
            visitor=request.user,
            submitting=request.POST.get("action") == "submit",
        )
        if form.is_valid():
            exchange = _save(request, form)
            if exchange is not None:
                _saved_message(request, exchange)
                return redirect(exchange)
        return _form_page(request, form, None)

    initial = _days_asked(request)
    slug = request.GET.get("host")
    if slug:
        host = Library.objects.by_slug(slug).values_list("pk", flat=True).first()
        if host:
            initial["host_library"] = host
    return _form_page(request, None, None, fields=_new_request_fields(request, initial))


def _not_editable(request, exchange: ExchangeRequest):
    messages.info(request, _("This request has been submitted and can no longer be edited."))
    return redirect(exchange)


@profile_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk: int):
    exchange = _get_exchange_for_user(request, pk)
    if exchange.state != State.DRAFT:
        return _not_editable(request, exchange)
    if request.method == "POST":
        form = ExchangeRequestForm(
            request.POST,
            instance=exchange,
            visitor=request.user,
            submitting=request.POST.get("action") == "submit",
        )
        if form.is_valid():
            saved = _save(request, form, draft_pk=exchange.pk)
            if saved is not None:
                _saved_message(request, saved)
                return redirect(saved)
    else:
        form = ExchangeRequestForm(
            instance=exchange, initial=_days_asked(request), visitor=request.user
        )
    return _form_page(request, form, exchange)


@profile_required
@require_POST
def request_submit(request, pk: int):
    """Submit a saved draft as it is; if something is missing, show the form with the errors."""
    exchange = _get_exchange_for_user(request, pk)
    if exchange.state != State.DRAFT:
        return _not_editable(request, exchange)
    form = ExchangeRequestForm(
        submission_data(exchange), instance=exchange, visitor=request.user, submitting=True
    )
    if form.is_valid():
        try:
            submitted = workflow.submit(exchange.pk, by=request.user)
        except workflow.TransitionNotAllowed as exc:
            _refused(form, exc)
        else:
            _saved_message(request, submitted)
            return redirect(submitted)
    messages.error(request, _("Complete the request before submitting it."))
    return _form_page(request, form, exchange)


@profile_required
@require_http_methods(["GET", "POST"])
def request_cancel(request, pk: int):
    exchange = _get_exchange_for_user(request, pk)
    if not exchange.can_be_cancelled:
        messages.info(request, _("This request can no longer be cancelled."))
        return redirect(exchange)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _take_step(
            request,
            exchange,
            lambda: workflow.cancel(
                exchange.pk, by=request.user, reason=form.cleaned_data["reason"]
            ),
            _("The request has been cancelled."),
        )
    return render(request, "exchange/request_cancel.html", {"exchange": exchange, "form": form})


@profile_required
@require_POST
def dates_accept(request, pk: int):
    exchange = _get_exchange_for_user(request, pk)
    return _take_step(
        request,
        exchange,
        lambda: workflow.accept_dates(exchange.pk, by=request.user),
        _("You accepted the dates. Your visit is confirmed."),
    )


@profile_required
@require_POST
def dates_refuse(request, pk: int):
    exchange = _get_exchange_for_user(request, pk)
    form = RefuseDatesForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect(exchange)
    return _take_step(
        request,
        exchange,
        lambda: workflow.refuse_dates(
            exchange.pk, by=request.user, reason=form.cleaned_data["reason"]
        ),
        _("You refused the dates. The request has been cancelled."),
    )


def _take_step(request, exchange: ExchangeRequest, step, done: str):
    """One step of the visitor's through the workflow; the request's page says how it went."""
    try:
        step()
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(exchange)
