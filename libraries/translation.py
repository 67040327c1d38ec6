from modeltranslation.translator import TranslationOptions, register

from .models import ContactDetails, FocusArea, Library, Municipality, Region


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(Municipality)
class MunicipalityTranslation(TranslationOptions):
    fields = ("name",)


@register(FocusArea)
class FocusAreaTranslation(TranslationOptions):
    fields = ("name",)


@register(Library)
class LibraryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ContactDetails)
class ContactDetailsTranslation(TranslationOptions):
    fields = ("title", "organisation")
