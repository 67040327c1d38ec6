"""The outbox page: every message written, with its links, while developing."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .models import Notification


def outbox(request):
    """Every message Kollega has written, newest first: only while developing (DEBUG)."""
    if not settings.DEBUG:
        raise Http404
    notifications = Notification.objects.order_by("-created_at", "-pk")
    recipient = request.GET.get("to", "").strip()
    if recipient:
        notifications = notifications.filter(recipient__iexact=recipient)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "mail/outbox.html", {"page": page, "recipient": recipient})
