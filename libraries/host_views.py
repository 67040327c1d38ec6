"""The host page: a library's exchange contact keeps its hosting profile and closed periods.

The contact signs in with their own address by the emailed link like everyone else; that
address is the whole right: it opens the host page of the library whose exchange contact it
is (Library.contact_email, however the address is written) and nothing more. The
coordinator keeps the same details in the admin.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .host_forms import ClosedPeriodFormSet, HostProfileForm
from .models import Library


@login_required
def host_pages(request):
    """The libraries whose exchange contact the signed-in person is; one opens at once."""
    libraries = list(Library.objects.with_contact(request.user.email).order_by("name_fi"))
    if len(libraries) == 1:
        return redirect("libraries:host-page", slug=libraries[0].slug)
    return render(request, "libraries/host/list.html", {"libraries": libraries})


@login_required
@require_http_methods(["GET", "POST"])
def host_page(request, slug: str):
    library = get_object_or_404(Library.objects.by_slug(slug))
    if not library.is_contact(request.user.email):
        return render(request, "libraries/host/not_contact.html", {"library": library}, status=403)

    periods = library.closed_periods.filter(last_day__gte=timezone.localdate())
    if request.method == "POST":
        form = HostProfileForm(request.POST, instance=library)
        formset = ClosedPeriodFormSet(
            request.POST, instance=library, queryset=periods, prefix="closed"
        )
        if form.is_valid() and formset.is_valid():
            with transaction.atomic():
                form.save()
                formset.save()
            messages.success(
                request, _("The host page has been saved. The library's page shows it now.")
            )
            return redirect("libraries:host-page", slug=library.slug)
    else:
        form = HostProfileForm(instance=library)
        formset = ClosedPeriodFormSet(instance=library, queryset=periods, prefix="closed")
    return render(
        request,
        "libraries/host/edit.html",
        {"library": library, "form": form, "formset": formset},
    )
