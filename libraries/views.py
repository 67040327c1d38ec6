from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from config.security import rate_limit
from feedback.models import VisitorFeedback

from .forms import DirectoryFilterForm
from .models import ContactDetails, Library, Municipality

# The newest stories on a library's page; the experiences page has the rest.
LIBRARY_STORIES = 5


def home(request):
    municipalities = Municipality.objects.aggregate(
        total=Count("pk"),
        bilingual=Count("pk", filter=~Q(language_status=Municipality.LanguageStatus.FINNISH)),
    )
    context = {
        # Only read here: the row comes from the admin (or the demo data), never from a GET.
        "contact": ContactDetails.objects.first(),
        "library_count": Library.objects.count(),
        "municipality_count": municipalities["total"],
        "bilingual_count": municipalities["bilingual"],
    }
    return render(request, "libraries/home.html", context)


@rate_limit("directory", method="GET")
def directory(request):
    form = DirectoryFilterForm(request.GET)
    form.is_valid()  # A bad value is shown as an error; the other filters still apply.
    libraries = list(form.filter(Library.objects.with_related()).in_name_order())
    context = {"form": form, "libraries": libraries, "count": len(libraries)}
    return render(request, "libraries/directory.html", context)


def library_detail(request, slug: str):
    library = get_object_or_404(Library.objects.with_related(), slug=slug)
    stories = VisitorFeedback.objects.stories().filter(exchange__host_library=library)
    context = {"library": library, "stories": list(stories[:LIBRARY_STORIES])}
    return render(request, "libraries/library_detail.html", context)
