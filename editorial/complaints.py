"""The complaint process (DESIGN.md section 5): its states, the one table of moves, deadlines, tokens, and
resolving the addresses a complaint names.

`TRANSITIONS` lists every state of a complaint, the states it may move to, and who may make each move.
The moves themselves are named methods on `editorial.models.Complaint`: each locks the row, asks
`allowed_move()`, changes the state, records an `AuditEvent` and queues its mail after commit.

Resolving addresses: a line is an article address (`/articles/<slug>/`), an image or rendition address
(under MEDIA_URL), or an article address followed by a quoted passage (`https://… "the words"`, or a
browser's text-fragment link `…#:~:text=the%20words`). Whatever the number of lines, resolving costs one
query per kind of content.
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import models
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, Image, Rendition
from config.text import has_unstorable_characters

# --- who may act -------------------------------------------------------------------------------------------


class Actor(models.TextChoices):
    NOTIFIER = "notifier", "Notifier (the rights holder or their agent)"
    AFFECTED_PARTY = "affected_party", "Affected party (the source or author of the content)"
    OFFICER = "officer", "Copyright officer"
    SYSTEM = "system", "The system (a timer)"


NOTIFIER, AFFECTED_PARTY, OFFICER, SYSTEM = Actor.NOTIFIER, Actor.AFFECTED_PARTY, Actor.OFFICER, Actor.SYSTEM


class ComplaintError(Exception):
    """A move the complaint's state or the rules don't allow. The message is fit to show the person."""


class ComplaintStateError(ComplaintError):
    pass


class DuplicateComplaintError(ComplaintError):
    pass


class VerificationExpiredError(ComplaintError):
    pass


class AlreadyDecidedError(ComplaintStateError):
    """Someone else decided (or moved) the complaint first: the second decision changes nothing."""


class ComplaintPermissionError(ComplaintError):
    """The person may not make this move (not an officer, or the officer who made the decision appealed)."""


# --- the states and the one table of moves ------------------------------------------------------------------


class ComplaintStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified (waiting for the notifier to confirm their email)"
    EXPIRED = "expired", "Expired (never confirmed)"
    RECEIVED = "received", "Received (in the queue)"
    NEEDS_INFO = "needs_info", "Needs information from the notifier"
    CLOSED_INCOMPLETE = "closed_incomplete", "Closed as incomplete"
    IN_REVIEW = "in_review", "In review"
    UPHELD = "upheld", "Upheld (measure applied)"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    REJECTED = "rejected", "Rejected"
    COUNTER_NOTICE = "counter_notice", "Counter-notice received"
    RESTORE_PENDING = "restore_pending", "Restore pending"
    RESTORED = "restored", "Restored"
    LITIGATION_HOLD = "litigation_hold", "Litigation hold"
    APPEALED = "appealed", "Appealed (reviewed again by another officer)"
    WITHDRAWN = "withdrawn", "Withdrawn by the notifier"
    CLOSED = "closed", "Closed"
    CLOSED_MISUSE = "closed_misuse", "Closed as misuse"


@dataclass(frozen=True)
class Move:
    """One allowed move: its name (the method and the audit action), who may make it, and the line the
    notifier reads in their history ("" keeps it out of their history)."""

    action: str
    by: frozenset[str]
    public: str = ""


def move(action: str, *by: str, public: str = "") -> Move:
    return Move(action=action, by=frozenset(by), public=public)


S = ComplaintStatus
_DECIDE = "decide"
_DECIDED = {
    S.UPHELD: move(_DECIDE, OFFICER, public="We decided: the complaint is upheld."),
    S.PARTLY_UPHELD: move(_DECIDE, OFFICER, public="We decided: the complaint is upheld in part."),
    S.REJECTED: move(_DECIDE, OFFICER, public="We decided: the complaint is rejected."),
}
_WITHDRAW = move("withdraw", NOTIFIER, public="You withdrew the complaint.")
_MISUSE = move("close_as_misuse", OFFICER, public="We closed the complaint as a misuse of the procedure.")
_APPEAL = move("appeal", NOTIFIER, AFFECTED_PARTY, public="An appeal was lodged; another officer will review it.")
# Closed by an officer, or by the timer once the appeal window has passed with nothing left to do.
_CLOSE = move("close", OFFICER, SYSTEM, public="The complaint is closed.")
_COUNTER_NOTICE = move(
    "receive_counter_notice", AFFECTED_PARTY, public="The other side sent a counter-notice; we forwarded it to you."
)
_RESTORE = move("restore", SYSTEM, OFFICER, public="The content was restored after a valid counter-notice.")
_COURT_ACTION = move(
    "report_court_action", NOTIFIER, OFFICER, public="A court action was reported; the content stays down."
)

# state -> {next state: the move}. Terminal states map to {}.
TRANSITIONS: dict[str, dict[str, Move]] = {
    S.UNVERIFIED: {
        S.RECEIVED: move("verify", NOTIFIER, public="You confirmed your email address; the complaint is in our queue."),
        S.EXPIRED: move("expire", SYSTEM),
    },
    S.EXPIRED: {},
    S.RECEIVED: {
        S.IN_REVIEW: move("start_review", OFFICER, public="An officer started reviewing the complaint."),
        S.NEEDS_INFO: move("request_information", OFFICER, public="We asked you for more information."),
        **_DECIDED,
        S.WITHDRAWN: _WITHDRAW,
        S.CLOSED_MISUSE: _MISUSE,
    },
    S.NEEDS_INFO: {
        S.RECEIVED: move("reply", NOTIFIER, public="You sent the information we asked for."),
        S.CLOSED_INCOMPLETE: move(
            "close_incomplete",
            SYSTEM,
            OFFICER,
            public="We closed the complaint: the information we asked for did not arrive in time.",
        ),
        S.WITHDRAWN: _WITHDRAW,
        S.CLOSED_MISUSE: _MISUSE,
    },
    S.CLOSED_INCOMPLETE: {},
    S.IN_REVIEW: {
        S.RECEIVED: move("return_to_queue", OFFICER),
        S.NEEDS_INFO: move("request_information", OFFICER, public="We asked you for more information."),
        **_DECIDED,
        S.WITHDRAWN: _WITHDRAW,
        S.CLOSED_MISUSE: _MISUSE,
    },
    S.UPHELD: {
        S.COUNTER_NOTICE: _COUNTER_NOTICE,
        S.APPEALED: _APPEAL,
        S.CLOSED: _CLOSE,
    },
    S.PARTLY_UPHELD: {
        S.COUNTER_NOTICE: _COUNTER_NOTICE,
        S.APPEALED: _APPEAL,
        S.CLOSED: _CLOSE,
    },
    S.REJECTED: {
        S.APPEALED: _APPEAL,
        S.CLOSED_MISUSE: _MISUSE,
        S.CLOSED: _CLOSE,
    },
    S.COUNTER_NOTICE: {
        # An officer confirms the counter-notice is valid; the restore date set on receipt stands.
        S.RESTORE_PENDING: move(
            "accept_counter_notice",
            OFFICER,
            public="The counter-notice is valid; the content will be restored "
            "unless you tell us you have started a court action.",
        ),
        # PRC: a valid counter-notice restores at once. Elsewhere the timer restores on the date set on
        # receipt, even if no officer has looked at it by then (the law's clock runs from receipt).
        S.RESTORED: _RESTORE,
        S.LITIGATION_HOLD: _COURT_ACTION,
        # An invalid counter-notice leaves the decision as it was.
        S.UPHELD: move(
            "refuse_counter_notice", OFFICER, public="The counter-notice was not valid; the decision stands."
        ),
        S.PARTLY_UPHELD: move(
            "refuse_counter_notice", OFFICER, public="The counter-notice was not valid; the decision stands."
        ),
    },
    S.RESTORE_PENDING: {
        S.RESTORED: _RESTORE,
        S.LITIGATION_HOLD: _COURT_ACTION,
    },
    S.LITIGATION_HOLD: {
        S.RESTORED: move("restore", OFFICER, public="The content was restored."),
        S.CLOSED: _CLOSE,
    },
    S.RESTORED: {S.CLOSED: _CLOSE},
    S.APPEALED: {
        # Decided by an officer other than the one who made the decision appealed (Appeal's check constraint).
        S.UPHELD: move("decide_appeal", OFFICER, public="The appeal was decided: the complaint is upheld."),
        S.PARTLY_UPHELD: move("decide_appeal", OFFICER, public="The appeal was decided: upheld in part."),
        S.REJECTED: move("decide_appeal", OFFICER, public="The appeal was decided: the complaint is rejected."),
    },
    S.WITHDRAWN: {},
    S.CLOSED: {},
    S.CLOSED_MISUSE: {},
}

TERMINAL_STATES = frozenset(state for state, moves in TRANSITIONS.items() if not moves)
# Before a decision: the notifier may still add information or withdraw.
UNDECIDED_STATES = frozenset({S.RECEIVED, S.NEEDS_INFO, S.IN_REVIEW})
DECIDED_STATES = frozenset({S.UPHELD, S.PARTLY_UPHELD, S.REJECTED})
# After a counter-notice, before the content is back (or held for a court).
RESTORING_STATES = frozenset({S.COUNTER_NOTICE, S.RESTORE_PENDING})

# Events that are not moves but belong in the notifier's history.
PUBLIC_EVENTS = {
    "complaint.filed": "You sent the complaint; we emailed you a link to confirm your address.",
    "complaint.information_added": "You added information.",
}
# A move's line depends on where it led (a decision may uphold or reject): (audit action, state) -> line.
PUBLIC_MOVES: dict[tuple[str, str], str] = {}
for _moves in TRANSITIONS.values():
    for _target, _move in _moves.items():
        if _move.public:
            PUBLIC_EVENTS.setdefault(f"complaint.{_move.action}", _move.public)
            PUBLIC_MOVES[(f"complaint.{_move.action}", _target)] = _move.public


def public_line(action: str, to_state: str) -> str:
    """What the notifier's history says for an audit event of `action` that led to `to_state`."""
    return PUBLIC_MOVES.get((action, to_state)) or PUBLIC_EVENTS[action]


def allowed_move(source: str, target: str, by: str) -> Move:
    """The move from `source` to `target` if `by` may make it; ComplaintStateError saying why not otherwise."""
    move_ = TRANSITIONS.get(source, {}).get(target)
    if move_ is None:
        raise ComplaintStateError(
            f"A complaint that is “{S(source).label}” cannot become “{S(target).label}”."
            if source in S.values
            else f"Unknown complaint state {source!r}."
        )
    if by not in move_.by:
        raise ComplaintStateError(f"The {Actor(by).label.lower()} cannot make this move ({move_.action}).")
    return move_


# --- tokens -------------------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """What we store instead of a token: its SHA-256. The token itself only ever travels in the email."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    """An unguessable token for a private link (256 bits)."""
    return secrets.token_urlsafe(32)


def business_days_after(start, days: int):
    """`start` moved forward by `days` working days, keeping its time of day: Monday to Friday in the site's
    time zone, less the public holidays in `settings.COMPLAINT_HOLIDAYS` (docs/decisions.md, "copyright
    complaints, part 1")."""
    holidays = getattr(settings, "COMPLAINT_HOLIDAYS", frozenset())
    current = timezone.localtime(start) if timezone.is_aware(start) else start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current.date() not in holidays:
            remaining -= 1
    return current


# --- deadlines per regime (DESIGN.md section 5, "Deadlines") -------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    """The clocks of one regime, in business days. `restore_days` None: restore at once on a valid
    counter-notice (PRC), and the notifier may not complain again about the same work."""

    decision_days: int
    reply_days: int
    appeal_decision_days: int
    restore_days: int | None
    bars_renotice: bool = False


def deadlines(regime: str) -> Deadlines:
    """The deadlines that apply under `regime` (a `Complaint.Regime` value), from the settings."""
    decision = getattr(settings, "COMPLAINT_DECISION_BUSINESS_DAYS", 1)
    decision = getattr(settings, "COMPLAINT_DECISION_BUSINESS_DAYS_BY_REGIME", {}).get(regime, decision)
    reply = getattr(settings, "COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS", 5)
    appeal = getattr(settings, "COMPLAINT_APPEAL_DECISION_BUSINESS_DAYS", 5)
    if regime == "prc":
        return Deadlines(decision, reply, appeal, restore_days=None, bars_renotice=True)
    if regime == "us":
        # 17 U.S.C. § 512(g)(2)(C): not less than 10, nor more than 14, business days after receipt.
        restore = min(max(getattr(settings, "COMPLAINT_US_RESTORE_BUSINESS_DAYS", 10), 10), 14)
    else:
        # No statutory clock: our policy gives the notifier the same time as in the United States.
        restore = getattr(settings, "COMPLAINT_RESTORE_BUSINESS_DAYS", 10)
    return Deadlines(decision, reply, appeal, restore_days=restore)


def due_label(due, now=None) -> str:
    """A deadline as the officers' queue shows it: "due in 5 h", "due in 2 d", "overdue by 3 h"."""
    if due is None:
        return ""
    now = now or timezone.now()
    seconds = (due - now).total_seconds()
    amount = abs(seconds)
    if amount < 3600:
        size = f"{max(1, round(amount / 60))} min"
    elif amount < 48 * 3600:
        size = f"{round(amount / 3600)} h"
    else:
        size = f"{round(amount / 86400)} d"
    return f"due in {size}" if seconds >= 0 else f"overdue by {size}"


# --- who is an officer --------------------------------------------------------------------------------------

DECIDE_PERMISSION = "editorial.decide_complaint"


def is_officer(user) -> bool:
    """Whether `user` may make the officers' moves (a copyright officer, or a superuser)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm(DECIDE_PERMISSION)
    )


def require_officer(user, what: str = "work complaints") -> None:
    if not is_officer(user):
        raise ComplaintPermissionError(f"Only a copyright officer may {what}.")


PUBLIC_STATUS = {
    S.UNVERIFIED: "Waiting for you to confirm your email address",
    S.EXPIRED: "Expired: the email address was never confirmed",
    S.RECEIVED: "Received: waiting for an officer",
    S.NEEDS_INFO: "We need more information from you",
    S.CLOSED_INCOMPLETE: "Closed: the information we asked for did not arrive",
    S.IN_REVIEW: "In review by a copyright officer",
    S.UPHELD: "Decided: upheld",
    S.PARTLY_UPHELD: "Decided: upheld in part",
    S.REJECTED: "Decided: rejected",
    S.COUNTER_NOTICE: "A counter-notice was received",
    S.RESTORE_PENDING: "The content will be restored unless a court action is reported",
    S.RESTORED: "The content was restored",
    S.LITIGATION_HOLD: "On hold: a court action was reported",
    S.APPEALED: "Appealed: being reviewed again by another officer",
    S.WITHDRAWN: "Withdrawn by you",
    S.CLOSED: "Closed",
    S.CLOSED_MISUSE: "Closed as a misuse of the procedure",
}


# --- resolving addresses ------------------------------------------------------------------------------------

ARTICLE_VIEW = "articles:detail"
MAX_LINE_LENGTH = 2000
MIN_PASSAGE_LENGTH = 12

_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»", "「": "」", "『": "』", "'": "'", "‘": "’"}
_LINE_RE = re.compile(r"^(?P<url>\S+)(?:\s+(?P<rest>.+))?$", re.DOTALL)


@dataclass
class ResolvedURL:
    line: int
    url: str
    kind: str  # ComplaintItem.Kind value
    key: str
    article: Article | None = None
    image: Image | None = None
    passage: str = ""


@dataclass
class URLError:
    line: int
    url: str
    message: str

    def __str__(self) -> str:
        shown = self.url if len(self.url) <= 120 else self.url[:117] + "…"
        return f"Line {self.line} ({shown}): {self.message}"


@dataclass
class _Parsed:
    line: int
    url: str
    passage: str
    slug: str = ""
    media_name: str = ""


def max_urls() -> int:
    return getattr(settings, "COMPLAINT_MAX_URLS", 1000)


def normalise_text(text: str) -> str:
    """Text as compared for a quoted passage: no tags or entities, one kind of quote and space, any case."""
    text = html.unescape(strip_tags(text))
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[“”„«»「」『』″]", '"', text)
    text = re.sub(r"[‘’′]", "'", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def _split_passage(rest: str) -> str:
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] in _QUOTES and rest.endswith(_QUOTES[rest[0]]):
        rest = rest[1:-1].strip()
    return rest


def _our_hosts() -> list[str]:
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    site_host = urlsplit(settings.SITE_URL).hostname
    if site_host:
        hosts.append(site_host)
    return hosts


def _media_name(url: str, path: str, host_is_ours: bool) -> str:
    """The storage name an image address points at, or "" when it is not a media address."""
    media_url = settings.MEDIA_URL or ""
    if media_url.startswith(("http://", "https://")):
        # Media on another host (object storage / CDN): compare the whole prefix.
        if url.startswith(media_url):
            return unquote(urlsplit(url[len(media_url) :]).path)
        return ""
    if host_is_ours and media_url and path.startswith(media_url):
        return unquote(path[len(media_url) :])
    return ""


def _parse(line_no: int, raw: str, hosts: list[str]) -> _Parsed | URLError:
    match = _LINE_RE.match(raw)
    if match is None:
        return URLError(line_no, raw, "This is not a web address.")
    url, rest = match["url"], match["rest"] or ""
    passage = _split_passage(rest) if rest else ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return URLError(line_no, url, "This is not a web address we can read.")
    if parts.scheme and parts.scheme not in ("http", "https"):
        return URLError(line_no, url, "Only web addresses (http:// or https://) can be named.")
    if parts.scheme and not parts.netloc:
        return URLError(line_no, url, "This address has no site name.")
    if not parts.scheme and not url.startswith("/"):
        return URLError(line_no, url, "Give the full address, starting with https://, as shown in your browser.")
    if parts.username or parts.password:
        return URLError(line_no, url, "This address names a user and password; give the plain address.")
    host = ""
    if parts.netloc:
        host, _port = split_domain_port(parts.netloc.lower())
        if not host:
            return URLError(line_no, url, "This address has no site name we can read.")
    host_is_ours = not parts.netloc or validate_host(host, _our_hosts())
    # A browser's "copy link to highlight" puts the passage in the fragment: #:~:text=...
    if not passage and ":~:text=" in parts.fragment:
        fragment_text = parts.fragment.split(":~:text=", 1)[1].split("&", 1)[0]
        passage = unquote(fragment_text.split(",", 1)[0])
        passage = re.sub(r"^[^-]*-,|,-[^,]*$", "", passage)  # drop prefix-, and ,-suffix context terms
    path = parts.path or "/"
    # A percent-escape such as %00 decodes to a character no stored address or passage can hold, and that
    # PostgreSQL refuses in a query (issue 12, point 4).
    if has_unstorable_characters(unquote(url)):
        return URLError(
            line_no,
            url,
            "This address contains an encoded control character (such as %00); "
            "give the address exactly as your browser shows it.",
        )
    media_name = _media_name(url, path, host_is_ours)
    if media_name:
        if passage:
            return URLError(line_no, url, "A picture has no passage to quote; give the picture's address alone.")
        return _Parsed(line_no, url, "", media_name=media_name)
    if not host_is_ours:
        return URLError(
            line_no,
            url,
            f"This address is on another site ({host}). We can only act on content published on "
            f"{urlsplit(settings.SITE_URL).hostname}.",
        )
    slug = _article_slug(path)
    if slug is None:
        return URLError(
            line_no,
            url,
            "This address names no article or picture on this site. Give the address of the article, or of "
            "the picture itself (right-click it and copy the image address).",
        )
    if passage and len(normalise_text(passage)) < MIN_PASSAGE_LENGTH:
        return URLError(line_no, url, f"Quote at least {MIN_PASSAGE_LENGTH} characters so we can find the passage.")
    return _Parsed(line_no, url, passage, slug=slug)


def _article_slug(path: str) -> str | None:
    for candidate in (path, path + "/") if not path.endswith("/") else (path,):
        try:
            match = resolve(unquote(candidate))
        except Resolver404:
            continue
        if match.view_name == ARTICLE_VIEW and "slug" in match.kwargs:
            return match.kwargs["slug"]
        return None
    return None


def resolve_urls(text: str) -> tuple[list[ResolvedURL], list[URLError]]:
    """Resolve every non-blank line of `text`. One query per kind of content, whatever the number of lines.

    Returns the resolved targets (the same target named twice is kept once) and the errors, by line.
    """
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    errors: list[URLError] = []
    if len(lines) > max_urls():
        return [], [
            URLError(0, "", f"A complaint may name at most {max_urls():,} addresses; send the rest in another.")
        ]
    hosts = _our_hosts()
    parsed: list[_Parsed] = []
    for line_no, raw in lines:
        if len(raw) > MAX_LINE_LENGTH:
            errors.append(URLError(line_no, raw, f"This line is longer than {MAX_LINE_LENGTH:,} characters."))
            continue
        result = _parse(line_no, raw, hosts)
        (errors if isinstance(result, URLError) else parsed).append(result)

    slugs = {p.slug for p in parsed if p.slug}
    names = {p.media_name for p in parsed if p.media_name}
    articles: dict[str, Article] = {}
    if slugs:
        queryset = Article.objects.published().filter(slug__in=slugs).only("pk", "slug", "title")
        if any(p.passage for p in parsed):
            queryset = queryset.only("pk", "slug", "title", "body")
        articles = {a.slug: a for a in queryset}
    images: dict[str, Image] = {}
    if names:
        images = {i.file.name: i for i in Image.objects.visible().filter(file__in=names)}
        missing = names - images.keys()
        if missing:
            for rendition in Rendition.objects.filter(file__in=missing, image__removed_at__isnull=True).select_related(
                "image"
            ):
                images[rendition.file.name] = rendition.image

    resolved: list[ResolvedURL] = []
    seen: set[str] = set()
    bodies: dict[int, str] = {}
    for p in parsed:
        if p.media_name:
            image = images.get(p.media_name)
            if image is None:
                errors.append(URLError(p.line, p.url, "No picture on this site has this address."))
                continue
            target = ResolvedURL(p.line, p.url, "image", f"image:{image.pk}", image=image)
        else:
            article = articles.get(p.slug)
            if article is None:
                errors.append(URLError(p.line, p.url, "No published article on this site has this address."))
                continue
            if p.passage:
                if article.pk not in bodies:
                    bodies[article.pk] = normalise_text(article.body)
                quoted = normalise_text(p.passage)
                if quoted not in bodies[article.pk]:
                    errors.append(
                        URLError(
                            p.line,
                            p.url,
                            "We can't find this passage in the article. Copy the words exactly as they appear.",
                        )
                    )
                    continue
                digest = hashlib.sha256(quoted.encode()).hexdigest()[:16]
                target = ResolvedURL(
                    p.line, p.url, "passage", f"passage:{article.pk}:{digest}", article=article, passage=p.passage
                )
            else:
                target = ResolvedURL(p.line, p.url, "article", f"article:{article.pk}", article=article)
        if target.key in seen:
            continue
        seen.add(target.key)
        resolved.append(target)
    errors.sort(key=lambda e: e.line)
    return resolved, errors
