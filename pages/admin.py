from django.contrib import admin

from core.cache import pages_invalidate_on_commit

from .models import SitePage


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "updated_at"]
    fields = ["kind", "title", "body", "title_es", "body_es"]
    view_on_site = True

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # the footer links to every one of them

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pages_invalidate_on_commit(content=True)
