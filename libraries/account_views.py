"""Signing in by emailed link, signing out, and the person's own details."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from web.backends import EMAIL_LINK
from web.security import posted_email_key, private_link_page, rate_limit

from . import signin
from .account_forms import ProfileForm, SignInForm
from .models import Staff

SENT_EMAIL_SESSION_KEY = "sign_in_email"
HELD_BACK_SESSION_KEY = "sign_in_held_back"


def _safe_next(request, url: str | None) -> str:
    return signin.safe_next_url(url, request.get_host()) if url else ""


@require_http_methods(["GET", "POST"])
@rate_limit("sign-in-ip")
@rate_limit("sign-in-address", key=posted_email_key)
def sign_in(request):
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            held_back = signin.asked_too_often(email)
            if not held_back:
                signin.request_link(
                    email,
                    page_language=translation.get_language(),
                    next_url=_safe_next(request, form.cleaned_data["next"]),
                )
            request.session[SENT_EMAIL_SESSION_KEY] = email
            request.session[HELD_BACK_SESSION_KEY] = held_back
            return redirect("accounts:sign-in-sent")
    else:
        next_url = _safe_next(request, request.GET.get("next"))
        if request.user.is_authenticated:
            return redirect(next_url or signin.landing_page(request.user))
        form = SignInForm(initial={"next": next_url})
    reason = signin.reason_for(_safe_next(request, form["next"].value()))
    return render(request, "libraries/account/sign_in.html", {"form": form, "reason": reason})


def sign_in_sent(request):
    context = {
        "email": request.session.get(SENT_EMAIL_SESSION_KEY, ""),
        "held_back": request.session.get(HELD_BACK_SESSION_KEY, False),
        "max_age_minutes": settings.SIGN_IN_LINK_MAX_AGE // 60,
    }
    return render(request, "libraries/account/sign_in_sent.html", context)


@private_link_page
@require_http_methods(["GET", "POST"])
@rate_limit("sign-in-link")
def sign_in_link(request, token: str):
    # GET only looks: mail scanners open links, and opening must not sign anyone in.
    if request.method == "GET":
        check = signin.check_link(token)
        if not check.ok:
            return _link_problem(request, check)
        return render(request, "libraries/account/sign_in_link.html", {"link": check.link})

    result = signin.consume_link(token)
    if result.problem is not None:
        return _link_problem(request, result)
    staff = result.staff
    login(request, staff, backend=EMAIL_LINK)
    request.session.pop(SENT_EMAIL_SESSION_KEY, None)
    next_url = _safe_next(request, result.link.next_url)
    if not staff.profile_complete:
        messages.info(request, _("Welcome to Kollega! Please complete your details first."))
        url = reverse("accounts:profile")
        if next_url:
            url += "?" + urlencode({"next": next_url})
        return redirect(url)
    return redirect(next_url or signin.landing_page(staff))


def _link_problem(request, outcome: signin.Check | signin.Result):
    """A friendly page for a link that cannot sign anyone in, with a form for a new one."""
    link = outcome.link
    initial = {"email": link.email, "next": link.next_url} if link else {}
    status = 404 if outcome.problem == signin.Problem.UNKNOWN else 410
    return render(
        request,
        "libraries/account/sign_in_link_invalid.html",
        {"problem": outcome.problem.value, "form": SignInForm(initial=initial)},
        status=status,
    )


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    # A fresh copy: a rejected form must not leave its values on request.user.
    staff = Staff.objects.get(pk=request.user.pk)
    first_time = not staff.profile_complete
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=staff)
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Your details have been saved."))
            return redirect(next_url or "home")
    else:
        form = ProfileForm(instance=staff)
    return render(
        request,
        "libraries/account/profile.html",
        {"form": form, "first_time": first_time, "next": next_url, "staff": staff},
    )
