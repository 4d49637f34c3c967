from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.cache import CONTENT, page_cache

from .models import SitePage


@page_cache(depends_on=(CONTENT,))
@require_safe
def site_page(request, kind: str):
    """A privacy, terms or contact page. Template: pages/sitepage_detail.html (context: page)."""
    page = SitePage.objects.filter(kind=kind).first()
    if page is None:
        raise Http404("This page has not been written yet.")
    return render(request, "pages/sitepage_detail.html", {"page": page})
