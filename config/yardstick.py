"""The load benchmark's yardstick: the least a request through the whole stack can cost.

Mounted at /bench/yardstick/ only when settings.BENCH_YARDSTICK is on (make bench). It runs
through the same middleware as every page but reads no database and renders no template,
so the pages' throughput can be read as a share of the framework's own.
"""

from django.http import HttpRequest, HttpResponse


def yardstick(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
