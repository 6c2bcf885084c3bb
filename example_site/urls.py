"""URLs of the example site: Wagtail admin, documents, sitemap, the language switch,
the plugin's plain feed URLs, then the page tree."""

from django.conf import settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    # The language switch in the header is a plain form POST, so it works without
    # JavaScript. It is exempt from CSRF so that public pages carry no token and stay
    # cacheable; the worst a forged request can do is change a visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Message walls poll their feed here (one query) instead of through page routing.
    path("campaign/", include("wagtail_campaign.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
