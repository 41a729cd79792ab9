"""Guarding the back-office sign-in: django-axes against password guessing, django-otp as second factor."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm


class LoginGuardBackend(AxesStandaloneBackend):
    """Axes' lockout check, for sign-ins that come with a request (the admin login form, always).

    Calls without a request (the test client's `login()`, scripts) have no address to count failures
    against; they pass through to the next backend instead of failing with an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The reader's address for lockouts. Behind TRUSTED_PROXY_COUNT reverse proxies (nginx sets
    X-Forwarded-For), the entry that many places from the right; otherwise the socket's address, because
    a header a client can write itself must not choose whose counter a failure lands on."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class MastheadAdminSite(AdminSite):
    """The back office. With OTP_REQUIRED_FOR_STAFF on, a password alone no longer opens it: the login
    form asks for a one-time code from the user's TOTP app (or a single-use static code), and a session
    that was not verified by a device is treated as not staff."""

    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.OTP_REQUIRED_FOR_STAFF else AdminAuthenticationForm

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.OTP_REQUIRED_FOR_STAFF else None

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.OTP_REQUIRED_FOR_STAFF or request.user.is_verified()
