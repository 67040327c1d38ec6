"""The site's icon at the address browsers ask for before reading any page."""

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_safe


@require_safe
def favicon(request: HttpRequest) -> FileResponse:
    """The same file as the static one the pages link to."""
    response = FileResponse(
        (settings.BASE_DIR / "static" / "favicon.ico").open("rb"),
        content_type="image/x-icon",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response
