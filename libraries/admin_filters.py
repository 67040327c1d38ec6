"""List filters the admin pages of several apps share."""

from django.contrib import admin

from .models import Region


class RegionFilter(admin.SimpleListFilter):
    """The rows whose library (the lookup ``library`` names) lies in the chosen region."""

    library = ""

    def lookups(self, request, model_admin):
        return [(region.slug, region.name) for region in Region.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.library}__municipality__region__slug": self.value()})
        return queryset
