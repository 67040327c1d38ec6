from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse


def profile_required(view):
    """Signed in and with a completed profile; else off to sign in or to the profile form."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.profile_complete:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:profile')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
