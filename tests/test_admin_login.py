"""Back-office sign-in: guessing is locked out (django-axes) and staff can be made to use a second factor
(django-otp TOTP) (issue 8, point 2)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/"


def sign_in(client, username, password=PASSWORD, *, ip="203.0.113.7", **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/", **extra}, REMOTE_ADDR=ip)


def is_signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def editor(db):
    return UserFactory(username="wang.editor")


@pytest.mark.django_db
class TestLockout:
    @pytest.fixture(autouse=True)
    def _password_only(self, settings):
        settings.OTP_REQUIRED_FOR_STAFF = False

    def test_repeated_failures_lock_the_account_out_with_a_clear_message(self, client, editor, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = sign_in(client, "wang.editor", "guess")
            assert response.status_code == 200  # the form again, with its usual error
        response = sign_in(client, "wang.editor", "guess")
        assert response.status_code == 429
        text = response.content.decode()
        assert "Too many failed sign-in attempts" in text
        assert "locked for 15 minutes" in text

        # Even the right password is refused while locked.
        response = sign_in(client, "wang.editor", PASSWORD)
        assert response.status_code == 429
        assert not is_signed_in(client)

    def test_the_lock_lifts_after_the_cool_off(self, client, editor, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "wang.editor", "guess")
        assert sign_in(client, "wang.editor").status_code == 429
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            response = sign_in(client, "wang.editor")
            assert response.status_code == 302
            assert is_signed_in(client)

    def test_a_guesser_elsewhere_cannot_lock_the_editor_out(self, client, editor, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT + 2):
            sign_in(client, "wang.editor", "guess", ip="198.51.100.66")
        response = sign_in(client, "wang.editor", ip="203.0.113.7")
        assert response.status_code == 302
        assert is_signed_in(client)

    def test_a_spoofed_forwarded_for_header_does_not_escape_the_lock(self, client, editor, settings):
        """Without a trusted proxy configured, X-Forwarded-For is the client's own word and is ignored."""
        for n in range(settings.AXES_FAILURE_LIMIT + 1):
            response = client.post(
                LOGIN,
                {"username": "wang.editor", "password": "guess"},
                REMOTE_ADDR="198.51.100.66",
                HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
            )
        assert response.status_code == 429

    def test_behind_a_proxy_the_forwarded_address_is_counted(self, client, editor, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(
                LOGIN,
                {"username": "wang.editor", "password": "guess"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="198.51.100.66",
            )
        # The same proxy, another reader: not locked.
        response = client.post(
            LOGIN,
            {"username": "wang.editor", "password": PASSWORD, "next": "/admin/"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        assert response.status_code == 302

    def test_a_success_clears_earlier_failures(self, client, editor, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, "wang.editor", "guess")
        assert sign_in(client, "wang.editor").status_code == 302
        client.post("/admin/logout/")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, "wang.editor", "guess")
        assert sign_in(client, "wang.editor").status_code == 302


@pytest.mark.django_db
class TestSecondFactor:
    @pytest.fixture(autouse=True)
    def _second_factor_required(self, settings):
        settings.OTP_REQUIRED_FOR_STAFF = True

    def test_a_password_alone_no_longer_opens_the_back_office(self, client, editor):
        device = TOTPDevice.objects.create(user=editor, name="phone")
        response = sign_in(client, "wang.editor")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'name="otp_token"' in page
        assert device.persistent_id in page  # the device to choose is offered once the password is right
        assert not is_signed_in(client)

    def test_the_code_from_the_authenticator_app_signs_in(self, client, editor):
        device = TOTPDevice.objects.create(user=editor, name="phone")
        response = sign_in(client, "wang.editor", otp_device=device.persistent_id, otp_token=current_code(device))
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
        assert is_signed_in(client)

    def test_a_wrong_code_is_refused(self, client, editor):
        device = TOTPDevice.objects.create(user=editor, name="phone")
        wrong = f"{(int(current_code(device)) + 1) % 10**6:06d}"
        response = sign_in(client, "wang.editor", otp_device=device.persistent_id, otp_token=wrong)
        assert response.status_code == 200
        assert not is_signed_in(client)

    def test_repeated_wrong_codes_are_throttled(self, client, editor):
        """django-otp slows code guessing: after a failure even the right code waits a while."""
        device = TOTPDevice.objects.create(user=editor, name="phone")
        wrong = "000000" if current_code(device) != "000000" else "111111"
        sign_in(client, "wang.editor", otp_device=device.persistent_id, otp_token=wrong)
        response = sign_in(client, "wang.editor", otp_device=device.persistent_id, otp_token=current_code(device))
        assert response.status_code == 200
        assert "try again" in response.content.decode().lower()
        assert not is_signed_in(client)

    def test_a_password_session_without_the_factor_is_not_staff(self, client, editor):
        """A session made some other way (no device verified) does not reach the admin either."""
        client.force_login(editor)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_a_single_use_static_code_bootstraps_the_first_device(self, client, editor):
        """`manage.py addstatictoken` gives an operator a one-time code to sign in and add a TOTP device."""
        static = StaticDevice.objects.create(user=editor, name="bootstrap")
        static.token_set.create(token="fj3k29sa")
        bootstrap = {"otp_device": static.persistent_id, "otp_token": "fj3k29sa"}
        assert sign_in(client, "wang.editor", **bootstrap).status_code == 302
        assert is_signed_in(client)
        client.post("/admin/logout/")
        static.throttle_reset()
        assert sign_in(client, "wang.editor", **bootstrap).status_code == 200  # used up
        assert not is_signed_in(client)

    def test_a_chief_editor_enrols_a_colleague_with_a_qr_code(self, client, editor):
        """Enrolment happens in the admin: the device page offers a QR code for the authenticator app."""
        chief = UserFactory(username="chief", is_superuser=True)
        own = TOTPDevice.objects.create(user=chief, name="chief's phone")
        assert sign_in(client, "chief", otp_device=own.persistent_id, otp_token=current_code(own)).status_code == 302
        device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
        page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
        assert page.status_code == 200
        qr = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
        assert qr.status_code == 200
        assert qr["Content-Type"].startswith("image/svg+xml")
        assert b"<svg" in qr.content

    def test_wrong_passwords_still_count_towards_the_lockout(self, client, editor, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "wang.editor", "guess", otp_token="123456")
        assert sign_in(client, "wang.editor", otp_token="123456").status_code == 429


@pytest.mark.django_db
def test_without_the_requirement_a_password_is_enough(client, editor, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    assert sign_in(client, "wang.editor").status_code == 302
    assert is_signed_in(client)
