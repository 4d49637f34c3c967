from django.conf import settings


def site(request):
    """Values every template may need: the demo banner, the absolute site URL, the org's name."""
    return {
        "DEMO_PAYMENTS": settings.DEMO_PAYMENTS,
        "SITE_URL": settings.SITE_URL,
        "ORG_NAME": settings.ORG_NAME,
        "ORG_LEGAL_NAME": settings.ORG_LEGAL_NAME,
        "ORG_TAX_ID": settings.ORG_TAX_ID,
    }
