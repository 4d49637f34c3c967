"""The staff dashboard (placeholder while the reports are written)."""

from django.http import HttpResponse


def dashboard_view(request):
    return HttpResponse("")
