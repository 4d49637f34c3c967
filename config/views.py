from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def robots_txt(request):
    """robots.txt: everything public is crawlable; staff and private flows are not."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /donate/thanks/",
        "Disallow: /donate/manage/",
        "Disallow: /stripe/",
        # The sitemap's own URLs are SITE_URL's, whatever Host the request came in on.
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def bare(request):
    """A constant response, the yardstick the benchmark compares the real pages against."""
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt
@require_POST
def set_language(request):
    """
    The language switch: Django's own set_language (it accepts only a configured language, follows
    `next` only to a same-site path, else the Referer if same-site, else "/", and sets the
    language cookie). No CSRF token, on purpose: the switch is in every page's header, and a token
    there would make every public page per-visitor (uncacheable). The worst a forged post can do
    is show someone the site in the other language.
    """
    return i18n.set_language(request)
