from collections.abc import Callable
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from web import page_cache
from web.security import rate_limit

from . import availability, distance, public_pages
from .forms import DirectoryFilterForm
from .models import ContactDetails, Library, Municipality

# Libraries on one page of the directory: a phone scrolls through them in a few swipes.
DIRECTORY_PAGE_SIZE = 20


def _home_figures() -> dict:
    municipalities = Municipality.objects.aggregate(
        total=Count("pk"),
        bilingual=Count("pk", filter=~Q(language_status=Municipality.LanguageStatus.FINNISH)),
    )
    return {
        # Only read here: the row comes from the admin (or the demo data), never from a GET.
        "contact": ContactDetails.objects.first(),
        "library_count": Library.objects.count(),
        "municipality_count": municipalities["total"],
        "bilingual_count": municipalities["bilingual"],
    }


def _kept_for_everyone(
    request, name: str, parts, template_name: str, context: Callable[[], dict]
) -> HttpResponse:
    """The page as everyone who is not signed in sees it, kept whole under the content version
    (web.page_cache) when its address asks nothing more; any other reader's page is drawn."""
    if page_cache.can_keep(request) and not request.GET:
        page = public_pages.cached(
            f"{name}-page", parts, lambda: page_cache.drawn(request, template_name, context())
        )
        return page_cache.response(request, page)
    return render(request, template_name, context())


def home(request):
    return _kept_for_everyone(
        request,
        "home",
        None,
        "libraries/home.html",
        lambda: public_pages.cached("home", None, _home_figures),
    )


def _with_distances(libraries: list[Library], home: Municipality | None) -> list[Library]:
    """Each library with `distance` from the reader's home municipality (None when unknown)."""
    for library in libraries:
        library.distance = distance.between(home, library.municipality)
    return libraries


@rate_limit("directory", method="GET")
def directory(request):
    # A signed-in librarian sees each library's distance from their own and may sort by it;
    # the pieces are kept per home municipality, so the page stays shared and cached.
    home = distance.home_municipality(request.user)

    def context() -> dict:
        form = DirectoryFilterForm(request.GET, by_distance=home is not None)
        # Only the filters count: other parameters change nothing but the "Clear filters" link.
        filters = sorted((name, request.GET.getlist(name)) for name in form.fields)
        chosen = sum(
            1
            for name, values in filters
            if name != "sort" and any(value.strip() for value in values)
        )
        page_number = _page_number(request.GET.get("page"))
        # The page links keep the filters as they were given.
        query = request.GET.copy()
        query.pop("page", None)

        def results() -> str:
            form.is_valid()  # A bad value is shown as an error; the other filters still apply.
            libraries = list(form.filter(Library.objects.with_related()).in_name_order())
            _with_distances(libraries, home)
            if form.cleaned_data.get("sort") == DirectoryFilterForm.BY_DISTANCE:
                # Nearest first; a library whose distance is unknown comes last. The sort is
                # stable, so equal distances keep the order of the names.
                libraries.sort(
                    key=lambda lib: (lib.distance is None, lib.distance and lib.distance.km)
                )
            paginator = Paginator(libraries, DIRECTORY_PAGE_SIZE)
            page = paginator.get_page(page_number)
            context = {
                "form": form,
                "libraries": page.object_list,
                "page": page,
                "page_range": paginator.get_elided_page_range(
                    page.number, on_each_side=1, on_ends=1
                ),
                "query": query.urlencode(),
                "count": paginator.count,
                "chosen": chosen,
                "filtered": bool(query),
            }
            return render_to_string("libraries/_directory_results.html", context)

        parts = (filters, bool(query), home and home.pk, page_number)
        return {"body": public_pages.cached("directory", parts, results)}

    return _kept_for_everyone(request, "directory", None, "libraries/directory.html", context)


def _page_number(value: str | None) -> int:
    """The page asked for; anything but a positive number is the first page."""
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _library_page(slug: str, home: Municipality | None) -> dict | None:
    """The page of the library with this slug in the active language.

    Any other slug the library has (its Finnish one under /sv/, its Swedish one under /fi/)
    gives the address of its page instead, to redirect to.
    """
    libraries = list(Library.objects.with_related().by_slug(slug))
    library = next((lib for lib in libraries if lib.slug == slug), None)
    if library is None:
        if not libraries:
            return None
        return {"redirect": libraries[0].get_absolute_url()}
    _with_distances([library], home)
    context = {"library": library, "sections": public_pages.library_sections(library)}
    return {
        "name": str(library.name),
        "body": render_to_string("libraries/_library.html", context),
        # The month view is drawn for each reader, since visits come and go; what it needs
        # of the library changes only with an edit, so it is kept with the page.
        "host": library,
        "closed": list(
            library.closed_periods.filter(last_day__gte=timezone.localdate().replace(day=1))
        ),
    }


def library_detail(request, slug: str):
    home = distance.home_municipality(request.user)
    # A slug that names no library is not kept: the next try asks the database again.
    page = public_pages.cached(
        "library", (slug, home and home.pk), lambda: _library_page(slug, home)
    )
    if page is None:
        raise Http404
    if "redirect" in page:
        return redirect(page["redirect"], permanent=True)
    host = page["host"]
    today = timezone.localdate()

    def context() -> dict:
        drawn = {"name": page["name"], "body": page["body"]}
        if host.accepts_visitors:

            def draw_month_view() -> str:
                return render_to_string(
                    "libraries/_month_view.html",
                    availability.month_view_context(
                        host, today=today, pick_url=request_url(host), closed=page["closed"]
                    ),
                )

            drawn["month_view"] = public_pages.cached(
                "month-view",
                (slug, today.isoformat(), public_pages.visits_version()),
                draw_month_view,
            )
        return drawn

    # The month view counts visits: the page kept whole goes with the visits version and day.
    parts = (
        slug,
        today.isoformat(),
        public_pages.visits_version() if host.accepts_visitors else "",
    )
    return _kept_for_everyone(request, "library", parts, "libraries/library_detail.html", context)


def request_url(library: Library) -> str:
    """The request form for this host, ready for "first_day=…" to follow; "" without one."""
    try:
        url = reverse("exchange:request-create")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'host': library.slug})}&"


def month_view(request):
    """A library's month view alone, for the request form when another library is chosen."""
    try:
        library = Library.objects.accepting_visitors().get(pk=int(request.GET.get("library", "")))
    except (ValueError, Library.DoesNotExist):
        return HttpResponse("")
    context = availability.month_view_context(
        library, today=timezone.localdate(), pick_url=request_url(library)
    )
    return render(request, "libraries/_month_view.html", context)
