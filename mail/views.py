"""The outbox page: every message written, with its links, while developing."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from web.security import client_ip, is_loopback

from .models import Notification


def outbox(request):
    """Every message Kollega has written, newest first: only while developing (DEBUG), and
    only to the developer's own machine, since the messages hold working sign-in links."""
    if not (settings.DEBUG and is_loopback(client_ip(request))):
        raise Http404
    notifications = Notification.objects.order_by("-created_at", "-pk")
    recipient = request.GET.get("to", "").strip()
    if recipient:
        notifications = notifications.filter(recipient__iexact=recipient)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "mail/outbox.html", {"page": page, "recipient": recipient})
