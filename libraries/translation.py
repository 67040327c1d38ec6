from modeltranslation.translator import TranslationOptions, register

from .models import (
    ClosedPeriod,
    ContactDetails,
    FocusArea,
    LegalDetails,
    Library,
    Municipality,
    Region,
)


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
    fields = (
        "name",
        "slug",
        "description",
        "street",
        "city",
        "website",
        "hosting_offer",
        "parking",
        "bus",
        "train",
        "accessibility_notes",
    )


@register(ClosedPeriod)
class ClosedPeriodTranslation(TranslationOptions):
    fields = ("note",)


@register(ContactDetails)
class ContactDetailsTranslation(TranslationOptions):
    fields = ("title", "organisation")


@register(LegalDetails)
class LegalDetailsTranslation(TranslationOptions):
    # Each language's name, address and website: Swedish pages link to the authorities'
    # Swedish pages.
    fields = (
        "controller",
        "controller_unit",
        "controller_address",
        "privacy_authority",
        "privacy_authority_address",
        "privacy_authority_website",
        "accessibility_authority",
        "accessibility_authority_website",
    )
