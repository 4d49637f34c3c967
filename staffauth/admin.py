"""Staff accounts: creating or resetting one emails a link to set up two-step sign-in."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

from . import services

User = get_user_model()


class StaffUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    def save_model(self, request, obj, form, change):
        became_staff = obj.is_staff and (not change or "is_staff" in form.changed_data)
        super().save_model(request, obj, form, change)
        if became_staff and obj.is_active and services.staff_without_device().filter(pk=obj.pk).exists():
            services.invitation_send(user=obj, created_by=request.user)
            self.message_user(
                request,
                _("An invitation to set up two-step sign-in was emailed to %(email)s.") % {"email": obj.email or "—"},
                messages.SUCCESS if obj.email else messages.WARNING,
            )

    @admin.action(
        description=_("Reset two-step sign-in and email a new invitation (a lost phone)"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, queryset):
        users = list(queryset.filter(is_active=True, is_staff=True))
        for user in users:
            services.two_factor_reset(user=user)
            services.invitation_send(user=user, created_by=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in was reset for %(count)d staff member; an invitation was emailed.",
                "Two-step sign-in was reset for %(count)d staff members; each was emailed an invitation.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


# Passkeys: django-otp-webauthn ships the admin class but leaves registering it to the site. A
# superuser sees each staff member's passkeys here and removes a lost one (or resets every device
# at once with the staff account's action above).
admin.site.register(WebAuthnCredential, WebAuthnCredentialAdmin)
