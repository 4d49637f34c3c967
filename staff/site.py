"""
The staff admin site: Django's admin, plus two-factor sign-in and the staff dashboard.

Staff sign in with their password (django-axes locks an account after repeated failures), then
must verify a TOTP code from an authenticator app before any admin page opens. Staff without a
device are sent to an enrolment page that shows the secret and a QR code (inline SVG, drawn here:
no external service ever sees the secret) and confirms the first code.
"""

from base64 import b32encode

import django_otp
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True}
        ),
        error_messages={"required": _("Enter the 6-digit code your authenticator app shows now.")},
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("The code is made of digits only, like 123456."))
        return token


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code (one <path>, no style attributes: CSP allows it inline)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def totp_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class StaffAdminSite(admin.AdminSite):
    site_header = _("Children's Hospital Foundation: campaign admin")
    site_title = _("Campaign admin")
    index_title = _("Campaign administration")
    enable_nav_sidebar = True

    def has_permission(self, request):
        # A password alone is not enough: the session must also hold a verified TOTP device.
        return super().has_permission(request) and request.user.is_verified()

    def index(self, request, extra_context=None):
        # Development staff and Finance start their day on the dashboard; the sidebar lists the rest.
        if not request.user.is_superuser and request.user.has_perm("donations.view_gift"):
            return HttpResponseRedirect(reverse("admin:dashboard", current_app=self.name))
        return super().index(request, extra_context)

    def _next_url(self, request) -> str:
        url = request.POST.get("next") or request.GET.get("next") or ""
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
        return reverse("admin:index", current_app=self.name)

    def _second_step(self, request):
        """Where a signed-in staff member without a verified device goes next (None: nowhere)."""
        user = request.user
        if not (user.is_active and user.is_staff) or user.is_verified():
            return None
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        name = "admin:otp_verify" if has_device else "admin:otp_enrol"
        url = reverse(name, current_app=self.name)
        next_url = request.GET.get("next")
        if next_url:
            url += "?" + urlencode({"next": next_url})
        return HttpResponseRedirect(url)

    def login(self, request, extra_context=None):
        # Password accepted but no verified device yet: on to the second step, not the form again.
        if request.method == "GET" and request.user.is_authenticated:
            second_step = self._second_step(request)
            if second_step is not None:
                return second_step
        return super().login(request, extra_context)

    def get_urls(self):
        from donations import dashboard

        urls = [
            path("otp/verify/", self.otp_verify, name="otp_verify"),
            path("otp/enrol/", self.otp_enrol, name="otp_enrol"),
            path("otp/cancel/", self.otp_cancel, name="otp_cancel"),
            path("dashboard/", self.admin_view(dashboard.dashboard_view), name="dashboard"),
        ]
        return urls + super().get_urls()

    def _otp_context(self, request, **extra):
        return {**self.each_context(request), "next": self._next_url(request), **extra}

    def _signed_in_staff(self, request):
        user = request.user
        return user.is_authenticated and user.is_active and user.is_staff

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_verify(self, request):
        """
        Second step of sign-in: a code from the staff member's confirmed TOTP device.

        Template: admin/otp/verify.html. Context: form, next.
        """
        if not self._signed_in_staff(request):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if request.user.is_verified():
            return HttpResponseRedirect(self._next_url(request))
        devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
        if not devices:
            return HttpResponseRedirect(reverse("admin:otp_enrol", current_app=self.name))
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            # verify_token throttles each device after failures (django-otp's ThrottlingMixin).
            device = next((d for d in devices if d.verify_token(form.cleaned_data["token"])), None)
            if device is not None:
                django_otp.login(request, device)
                request.session.cycle_key()
                return HttpResponseRedirect(self._next_url(request))
            form.add_error("token", _("That code is not right or has expired. Enter the code your app shows now."))
        context = self._otp_context(request, form=form, title=_("Enter your sign-in code"))
        return render(request, "admin/otp/verify.html", context)

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_enrol(self, request):
        """
        Enrolment for staff without a confirmed device: the secret and its QR code, then the first
        code to confirm the device (and verify this session).

        Template: admin/otp/enrol.html. Context: form, qr_svg, secret, next.
        """
        if not self._signed_in_staff(request):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            # One device per person through this page; replacing a lost phone is a superuser's job.
            return HttpResponseRedirect(reverse("admin:otp_verify", current_app=self.name))
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name=str(_("Authenticator app")), confirmed=False)
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                django_otp.login(request, device)
                request.session.cycle_key()
                messages.success(request, _("Two-step sign-in is set up. You will need a code each time you sign in."))
                return HttpResponseRedirect(self._next_url(request))
            form.add_error(
                "token", _("That code is not right. Check the app shows this site, then enter its current code.")
            )
        context = self._otp_context(
            request,
            form=form,
            qr_svg=mark_safe(totp_qr_svg(device)),
            secret=totp_secret(device),
            title=_("Set up two-step sign-in"),
        )
        return render(request, "admin/otp/enrol.html", context)

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    @method_decorator(require_POST)
    def otp_cancel(self, request):
        """Sign out from the second step (the admin's own logout needs a verified session)."""
        auth_logout(request)
        return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
