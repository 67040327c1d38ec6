from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from config.health import health
from libraries import views as library_views
from web.favicon import favicon

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("health/", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("", library_views.home, name="home"),
    path("", include("libraries.urls")),
    path("", include("libraries.account_urls")),
    path("", include("exchange.urls")),
    path("", include("feedback.urls")),
    path("", include("mail.urls")),
    path("admin/", admin.site.urls),
)

if settings.BENCH_YARDSTICK:
    from config.yardstick import yardstick

    urlpatterns.append(path("bench/yardstick/", yardstick))

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
