"""Issue 12, point 8: abuse defences cannot be turned against the innocent, or walked around.

Filings with a victim's address no longer lock the real rights holder out (only confirmed complaints count
toward the per-email limit), and notifiers are compared on a normalised identity, so a suspended notifier
cannot get back in with a sub-address, extra spaces, a full stop, a look-alike letter or a different case.
"""

import datetime as dt
import string

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from editorial.copyright.identity import email_key, name_key, notifier_identity
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Complaint, NotifierSanction
from tests.copyright_helpers import FORM_URL, article_url, form_data, link_from_outbox, path_of, unfounded
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SUSPENDED_EMAIL = "bad@lens-agency.test"
SUSPENDED_ORGANISATION = "Lens Agency"

# (what the suspended notifier typed this time: email, organisation)
WAYS_BACK_IN = {
    "sub-address": ("bad+2@lens-agency.test", "Another Studio"),
    "upper case": ("BAD@Lens-Agency.TEST", "Another Studio"),
    "Cyrillic letter in the domain": ("bad@l\u0435ns-agency.test", "Another Studio"),
    "Cyrillic letter in the domain, as punycode": ("bad@xn--lns-agency-ksi.test", "Another Studio"),
    "organisation with two spaces": ("someone@elsewhere.test", "Lens  Agency"),
    "organisation with a trailing full stop": ("someone@elsewhere.test", "Lens Agency."),
    "organisation with a Cyrillic letter": ("someone@elsewhere.test", "L\u0435ns Agency"),
    "organisation in capitals with punctuation": ("someone@elsewhere.test", "LENS-AGENCY!"),
    "organisation in fullwidth letters": ("someone@elsewhere.test", "\uff2cens Agency"),
    "organisation with an accent": ("someone@elsewhere.test", "L\u00e9ns Agency"),
    "organisation with a zero-width space": ("someone@elsewhere.test", "Lens\u200b Agency"),
}


@pytest.fixture
def suspension():
    return NotifierSanction.objects.create(
        kind=NotifierSanction.Kind.SUSPENSION,
        email=SUSPENDED_EMAIL,
        organisation=SUSPENDED_ORGANISATION,
        reason="Three manifestly unfounded complaints.",
        ends_at=timezone.now() + dt.timedelta(days=90),
    )


@pytest.mark.parametrize("email, organisation", WAYS_BACK_IN.values(), ids=WAYS_BACK_IN.keys())
def test_a_suspended_notifier_cannot_get_back_in_with_a_variant(client, suspension, email, organisation):
    data = form_data(article_url(ArticleFactory()), notifier_email=email, notifier_organisation=organisation)
    response = client.post(FORM_URL, data)
    assert response.status_code == 200
    assert "are suspended until" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_punycode_in_the_variants_is_the_cyrillic_domain_it_claims():
    assert "l\u0435ns-agency".encode("idna") == b"xn--lns-agency-ksi"


@pytest.mark.parametrize(
    "email, organisation",
    [
        ("bad@lens-agency.example", "Another Studio"),  # another domain
        ("bad2@lens-agency.test", "Another Studio"),  # another mailbox
        ("someone@elsewhere.test", "Lens Agency Partners"),  # another organisation
        ("someone@elsewhere.test", ""),
    ],
)
def test_other_notifiers_are_not_caught_by_the_suspension(client, suspension, email, organisation):
    data = form_data(article_url(ArticleFactory()), notifier_email=email, notifier_organisation=organisation)
    assert client.post(FORM_URL, data).status_code == 302
    assert Complaint.objects.get().notifier_email == email.lower()  # kept as typed (lower case), not the key


def test_misuse_is_counted_across_variants_of_one_notifier(settings):
    settings.COMPLAINT_MISUSE_WARNING_THRESHOLD = 2
    settings.COMPLAINT_MISUSE_SUSPENSION_THRESHOLD = 3
    unfounded(email="bad+1@lens-agency.test", organisation="")
    unfounded(email="Bad+2@lens-agency.test", organisation="")
    warning = NotifierSanction.objects.get()
    assert warning.kind == NotifierSanction.Kind.WARNING
    unfounded(email="someone@elsewhere.test", organisation="LENS AGENCY.")
    unfounded(email="b\u0430d@lens-agency.test", organisation="Lens  Agency")
    suspension = NotifierSanction.objects.get(kind=NotifierSanction.Kind.SUSPENSION)
    assert "4 complaints" in suspension.reason
    assert NotifierSanction.objects.suspension_for(email="bad+3@lens-agency.test") == suspension


def test_the_officers_history_finds_a_notifiers_complaints_under_every_variant():
    first = unfounded(email="bad+1@lens-agency.test", organisation="")
    second = unfounded(email="someone@elsewhere.test", organisation="Lens Agency.")
    third = unfounded(email="BAD@lens-agency.test", organisation="Lens  Agency")
    assert list(Complaint.objects.history_of(third)) == [second, first]


# --- the per-email limit -------------------------------------------------------------------------------------


def _file(client, email: str, n: int):
    data = form_data(article_url(ArticleFactory()), notifier_email=email, notifier_organisation="")
    return client.post(FORM_URL, data, REMOTE_ADDR=f"198.51.100.{n}")


def _confirm(client, complaint: Complaint):
    return client.get(path_of(link_from_outbox("complaint_verification", complaint)))


def test_filings_with_a_victims_address_do_not_lock_the_rights_holder_out(client, settings):
    settings.COMPLAINT_RATE_LIMIT_PER_EMAIL = 5
    victim = "rights@lens-agency.test"
    # Six filings by someone else with the victim's address (never confirmed: they cannot open her mail).
    assert [_file(client, victim, n).status_code for n in range(6)] == [302] * 6
    # The real rights holder files, from her own network, and confirms.
    response = _file(client, victim, 200)
    assert response.status_code == 302
    mine = Complaint.objects.latest("pk")
    assert _confirm(client, mine).status_code == 302
    mine.refresh_from_db()
    assert mine.status == S.RECEIVED


def test_confirmed_complaints_count_toward_the_limit_under_every_spelling_of_the_address(client, settings):
    settings.COMPLAINT_RATE_LIMIT_PER_EMAIL = 2
    for n, email in enumerate(["rights+a@lens-agency.test", "Rights@Lens-Agency.test"]):
        assert _file(client, email, n).status_code == 302
        assert _confirm(client, Complaint.objects.latest("pk")).status_code == 302
    response = _file(client, "rights+c@lens-agency.test", 9)
    assert response.status_code == 429
    assert "confirmed complaints from this email address" in response.content.decode()
    assert Complaint.objects.count() == 2


def test_unconfirmed_filings_cannot_be_saved_up_and_confirmed_past_the_limit(client, settings):
    settings.COMPLAINT_RATE_LIMIT_PER_EMAIL = 1
    email = "rights@lens-agency.test"
    assert [_file(client, email, n).status_code for n in range(2)] == [302, 302]
    first, second = Complaint.objects.order_by("pk")
    assert _confirm(client, first).status_code == 302
    response = _confirm(client, second)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Your complaint is kept, waiting" in response.content.decode()
    second.refresh_from_db()
    assert second.status == S.UNVERIFIED  # the link still works once the window has passed


# --- the normalised identity itself --------------------------------------------------------------------------


def test_the_identity_keys_of_the_issues_examples():
    assert email_key("bad+2@lens-agency.test") == email_key("bad@lens-agency.test") == "bad@lens-agency.test"
    assert name_key("Lens  Agency") == name_key("Lens Agency.") == name_key("L\u0435ns Agency") == "lensagency"
    assert email_key("b.a.d+x@googlemail.com") == email_key("bad@gmail.com")
    # The form refuses these as addresses; the key folds them all the same, for any other path.
    for variant in ("b\u0430d@lens-agency.test", "\uff42\uff41\uff44@lens-agency.test", "bad@lens-agency.test."):
        assert email_key(variant) == "bad@lens-agency.test", variant
    assert email_key("b.a.d@lens-agency.test") != email_key("bad@lens-agency.test")  # dots matter elsewhere
    assert notifier_identity(email="  ", organisation="  ") == notifier_identity()
    assert name_key("新华社") == "新华社"  # scripts without look-alikes are kept as they are


_local = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
_domain = st.from_regex(r"[a-z]{2,10}\.(test|example|org)", fullmatch=True)
_words = st.lists(st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8), min_size=1)


@given(local=_local, domain=_domain, tag=st.text(alphabet=string.ascii_letters + "-_.", max_size=10))
def test_any_sub_address_or_case_is_the_same_mailbox(local, domain, tag):
    assert email_key(f"{local}+{tag}@{domain}".upper()) == email_key(f"{local}@{domain}")


@given(
    words=_words,
    gaps=st.lists(st.sampled_from([" ", "  ", "\t", " - ", ", ", ". ", "\u00a0", "\u3000"]), min_size=1),
    end=st.sampled_from(["", ".", "!", " ", "\u2026"]),
)
def test_spacing_punctuation_and_case_never_make_another_organisation(words, gaps, end):
    plain = " ".join(words)
    disguised = "".join(word + gaps[i % len(gaps)] for i, word in enumerate(words)).upper() + end
    assert name_key(disguised) == name_key(plain)
