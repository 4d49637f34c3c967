"""
The staff admin site: Django's admin, plus two-factor sign-in and the staff dashboard.

Staff sign in with their password (django-axes locks an account after repeated failures), then
must verify a TOTP code from an authenticator app before any admin page opens. Staff without a
device are sent to an enrolment page that shows the secret and a QR code (inline SVG, drawn here:
no external service ever sees the secret) and confirms the first code.
"""

import inspect
from base64 import b32encode
from functools import wraps

import django_otp
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import logout as auth_logout
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.staff import is_verified_staff


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


class BackupCodeForm(forms.Form):
    backup_code = forms.CharField(
        label=_("Backup code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter one of your backup codes.")},
    )

    def clean_backup_code(self):
        return "".join(self.cleaned_data["backup_code"].split()).lower()


BACKUP_CODES_SESSION_KEY = "otp_backup_codes_to_show"
BACKUP_CODE_COUNT = 10


def backup_codes_make(*, user) -> list[str]:
    """A new set of single-use backup codes for `user` (any older set stops working)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


class InvitationForm(forms.Form):
    invitation = forms.CharField(
        label=_("Invitation code from the email"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-token-from-fragment": ""}),
        error_messages={"required": _("Open the link in the email, or paste the code that ends it.")},
    )


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


# The largest value of a database integer key (bigint): a longer "id" fails the query's cast.
MAX_DATABASE_ID = 2**63 - 1
INTEGER_KEYS = ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField")


def _refuse_bad_ids(model, named: dict) -> None:
    """
    Raise Http404 when an admin URL's object id (or version id, or <int:pk>) is not something its
    model's key can hold ("abc" for an integer key, a number past bigint): checked here, once for
    every admin view (the apps' own, django-otp's, simple_history's), before any query is built.
    """
    for name in ("object_id", "pk", "version_id"):
        value = named.get(name)
        if value is None:
            continue
        field = model._meta.pk if (model is not None and name != "version_id") else None
        if field is None or field.get_internal_type() in INTEGER_KEYS:
            text = str(value)
            if not (text.isascii() and text.isdigit() and int(text) <= MAX_DATABASE_ID):
                raise Http404("Not an id.")
        else:
            try:
                field.to_python(value)
            except ValidationError:
                raise Http404("Not an id.") from None


class StaffAdminSite(admin.AdminSite):
    site_header = _("Children's Hospital Foundation: campaign admin")
    site_title = _("Campaign admin")
    index_title = _("Campaign administration")
    enable_nav_sidebar = True

    def has_permission(self, request):
        # A password alone is not enough: the session must also hold a verified TOTP device.
        return super().has_permission(request) and is_verified_staff(request.user)

    def admin_view(self, view, cacheable=False):
        """Django's admin_view, turning away ids that cannot be ids (see _refuse_bad_ids) with a 404."""
        model_admin = getattr(view, "__self__", None)
        model = getattr(model_admin, "model", None) if isinstance(model_admin, admin.ModelAdmin) else None
        try:
            signature = inspect.signature(view)
        except (TypeError, ValueError):
            signature = None

        @wraps(view)
        def checked(request, *args, **kwargs):
            if signature is not None:
                try:
                    named = signature.bind(request, *args, **kwargs).arguments
                except TypeError:
                    named = kwargs
                _refuse_bad_ids(model, named)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                # Inside the admin's frame (header, sidebar, a way back), not the public 403 page.
                context = {**self.each_context(request), "title": _("You do not have access to this page")}
                return TemplateResponse(request, "admin/403.html", context, status=403)

        return super().admin_view(checked, cacheable)

    def each_context(self, request):
        context = super().each_context(request)
        # The sidebar repeats the home page's app list: with one app (a care coordinator's
        # Destination Care) it is only a narrower screen, so it is left out.
        if len(context.get("available_apps") or []) <= 1:
            context["is_nav_sidebar_enabled"] = False
        return context

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
            path("otp/invitation/", self.otp_invitation, name="otp_invitation"),
            path("otp/backup-codes/", self.otp_backup_codes, name="otp_backup_codes"),
            path("otp/passkeys/", self.otp_passkeys, name="otp_passkeys"),
            path("otp/cancel/", self.otp_cancel, name="otp_cancel"),
            path("dashboard/", self.admin_view(dashboard.dashboard_view), name="dashboard"),
            # Before Django's own: "view on site" answers only for a model the user may see.
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
        ]
        return urls + super().get_urls()

    def view_on_site(self, request, content_type_id, object_id):
        """
        Django's "view on site" redirect (contenttypes' shortcut), for staff who may view or change
        that model: it would otherwise give anyone signed in the address of a draft update.
        """
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise Http404 from None
        if model is None:
            raise Http404
        opts = model._meta
        user = request.user
        if not any(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in ("view", "change")):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)

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
        backup_devices = list(StaticDevice.objects.filter(user=request.user, confirmed=True))
        using_backup = "backup_code" in request.POST
        form = TokenForm(None if using_backup else (request.POST or None))
        backup_form = BackupCodeForm(request.POST if using_backup else None)
        submitted, candidates = (backup_form, backup_devices) if using_backup else (form, devices)
        if request.method == "POST" and submitted.is_valid():
            code = submitted.cleaned_data["backup_code" if using_backup else "token"]
            # django-otp throttles a device after a wrong code (ThrottlingMixin: 1 s, 2 s, 4 s…):
            # while it does, no code is checked, and the page says to wait instead of "wrong".
            allowed = [device for device in candidates if device.verify_is_allowed()[0]]
            device = next((d for d in allowed if d.verify_token(code)), None)
            if device is not None:
                django_otp.login(request, device)
                request.session.cycle_key()
                if using_backup:
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        ngettext(
                            "You used a backup code: %(left)d is left. Make new ones under Backup codes.",
                            "You used a backup code: %(left)d are left. Make new ones under Backup codes.",
                            left,
                        )
                        % {"left": left},
                    )
                return HttpResponseRedirect(self._next_url(request))
            if not allowed and candidates:
                error = _("Too many tries: wait a few seconds, then enter the code your app shows then.")
            elif using_backup:
                error = _("That backup code is not right or was already used.")
            else:
                error = _("That code is not right or has expired. Enter the code your app shows now.")
            submitted.add_error("backup_code" if using_backup else "token", error)
        from staffauth import passkeys

        context = self._otp_context(
            request,
            form=form,
            backup_form=backup_form if backup_devices else None,
            has_passkey=passkeys.has_passkey(request.user),
            title=_("Enter your sign-in code"),
        )
        return render(request, "admin/otp/verify.html", context)

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_backup_codes(self, request):
        """
        Backup codes: ten single-use codes for a day without the phone. Shown once, right after
        enrolment (kept in the session until this page shows them) or when a verified staff
        member makes a new set (POST: the old set stops working).

        Template: admin/otp/backup_codes.html. Context: codes (empty unless just made), count.
        """
        if not is_verified_staff(request.user):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if request.method == "POST":
            request.session[BACKUP_CODES_SESSION_KEY] = backup_codes_make(user=request.user)
            return HttpResponseRedirect(reverse("admin:otp_backup_codes", current_app=self.name))
        codes = request.session.pop(BACKUP_CODES_SESSION_KEY, [])
        device = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
        context = {
            **self.each_context(request),
            "codes": codes,
            "count": device.token_set.count() if device else 0,
            "next": self._next_url(request),  # only a same-site path (never javascript: or off-site)
            "title": _("Backup codes"),
        }
        return render(request, "admin/otp/backup_codes.html", context)

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_passkeys(self, request):
        """
        A verified staff member's passkeys (WebAuthn): the list, "Add a passkey" (the browser's
        own prompt, through django-otp-webauthn's script and staffauth.passkeys' endpoints) and
        removing one (POST remove=<id>, only their own). A passkey then signs them in instead of
        a code; the authenticator app and backup codes keep working.

        Template: admin/otp/passkeys.html. Context: passkeys, backup_count.
        """
        from staffauth import passkeys

        if not is_verified_staff(request.user):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if request.method == "POST":
            remove = request.POST.get("remove", "")
            is_id = remove.isascii() and remove.isdigit() and int(remove) <= MAX_DATABASE_ID
            if is_id and passkeys.passkey_delete(user=request.user, pk=int(remove)):
                messages.success(request, _("The passkey was removed."))
            return HttpResponseRedirect(reverse("admin:otp_passkeys", current_app=self.name))
        device = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
        context = {
            **self.each_context(request),
            "passkeys": list(passkeys.passkeys_of(request.user)),
            "backup_count": device.token_set.count() if device else 0,
            "title": _("Passkeys and backup codes"),
        }
        return render(request, "admin/otp/passkeys.html", context)

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_invitation(self, request):
        """
        The link emailed by a superuser (staffauth): its token is in the URL's fragment, which a
        tiny script copies into this form (or the staff member pastes it), so no server log sees
        it. A valid token is remembered in the session for the enrol step, after the password.

        Template: admin/otp/invitation.html. Context: form, invalid.
        """
        from staffauth import services as staffauth

        form = InvitationForm(request.POST or None)
        invalid = False
        if request.method == "POST" and form.is_valid():
            invitation = staffauth.invitation_for_token(token=form.cleaned_data["invitation"])
            if invitation is not None:
                if request.user.is_authenticated and request.user.pk != invitation.user_id:
                    auth_logout(request)
                request.session[staffauth.SESSION_KEY] = invitation.pk
                # A fresh secret for each invitation: one shown earlier to anyone is never confirmed.
                TOTPDevice.objects.filter(user=invitation.user, confirmed=False).delete()
                enrol = reverse("admin:otp_enrol", current_app=self.name)
                if request.user.is_authenticated:
                    return HttpResponseRedirect(enrol)
                login = reverse("admin:login", current_app=self.name)
                return HttpResponseRedirect(login + "?" + urlencode({"next": enrol}))
            invalid = True
        context = {
            **self.each_context(request),
            "form": form,
            "invalid": invalid,
            "title": _("Set up two-step sign-in"),
        }
        return render(request, "admin/otp/invitation.html", context, status=400 if invalid else 200)

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_enrol(self, request):
        """
        Enrolment, only for a session that presented a valid invitation (otp_invitation) for this
        user: the secret and its QR code, then the first code to confirm the device (and verify
        this session). Confirming uses the invitation up and replaces any older device, so an
        owner re-enrolling keeps their old phone until the new one works. Without an invitation:
        a page saying how to get one, and no secret.

        Template: admin/otp/enrol.html (context: form, qr_svg, secret, next), or
        admin/otp/enrol_needs_invitation.html.
        """
        from staffauth import services as staffauth

        if not self._signed_in_staff(request):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        invitation = staffauth.invitation_for_session(request=request)
        has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        if invitation is None:
            if has_device:
                return HttpResponseRedirect(reverse("admin:otp_verify", current_app=self.name))
            context = self._otp_context(request, title=_("Set up two-step sign-in"))
            return render(request, "admin/otp/enrol_needs_invitation.html", context)
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name=str(_("Authenticator app")), confirmed=False)
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"]) and staffauth.invitation_use(invitation=invitation):
                TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                del request.session[staffauth.SESSION_KEY]
                django_otp.login(request, device)
                request.session.cycle_key()
                messages.success(request, _("Two-step sign-in is set up. You will need a code each time you sign in."))
                request.session[BACKUP_CODES_SESSION_KEY] = backup_codes_make(user=request.user)
                backup = reverse("admin:otp_backup_codes", current_app=self.name)
                return HttpResponseRedirect(backup + "?" + urlencode({"next": self._next_url(request)}))
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
