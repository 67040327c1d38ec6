from django.shortcuts import get_object_or_404, render

from .models import ContactDetails, Library


def home(request):
    return render(request, "libraries/home.html", {"contact": ContactDetails.load()})


def directory(request):
    libraries = Library.objects.select_related("municipality__region")
    return render(request, "libraries/directory.html", {"libraries": libraries})


def library_detail(request, slug: str):
    library = get_object_or_404(Library, slug=slug)
    return render(request, "libraries/library_detail.html", {"library": library})
