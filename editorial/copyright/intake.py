"""Filing a complaint: resolving the addresses it names, and storing it unverified with its evidence.

Resolving addresses: a line is an article address (`/articles/<slug>/`), an image or rendition address
(under MEDIA_URL), or an article address followed by a quoted passage (`https://… "the words"`, or a
browser's text-fragment link `…#:~:text=the%20words`). Whatever the number of lines, resolving costs one
query per kind of content.

Filing is not a move: the complaint is created in its first state (the model's default, unverified).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve, reverse
from django.utils.html import strip_tags

from articles.models import Article, Image, Rendition, private_storage
from config.text import has_unstorable_characters
from editorial import outbox
from editorial.models import AuditEvent, Complaint, ComplaintItem, Evidence

from .evidence import check_evidence_room
from .identity import hash_token, new_token
from .states import NOTIFIER, DuplicateComplaintError
from .states import ComplaintStatus as S

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


def complaint_file(*, complaint: Complaint, targets: list, evidence: list | None = None) -> Complaint:
    """Store a new complaint as unverified with its items and evidence, and email the confirmation link.

    `complaint` is an unsaved instance with the notifier's answers; `targets` are resolved URLs
    (`ResolvedURL`); `evidence` are checked uploads (`editorial.copyright.evidence.CheckedFile`).
    All or nothing: a duplicate of an open complaint raises DuplicateComplaintError and stores nothing,
    files included.
    """
    token = new_token()
    complaint.verification_token_hash = hash_token(token)
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            check_evidence_room(complaint, evidence or [])
            complaint.save()
            items = [
                ComplaintItem(
                    complaint=complaint,
                    position=position,
                    url=target.url,
                    kind=target.kind,
                    article=target.article,
                    image=target.image,
                    passage=target.passage,
                    target_key=target.key,
                    notifier_key=complaint.notifier_email_key,
                )
                for position, target in enumerate(targets, start=1)
            ]
            try:
                with transaction.atomic():
                    ComplaintItem.objects.bulk_create(items, batch_size=500)
            except IntegrityError:
                # Lost a race with the same notifier filing the same address: the constraint decides.
                raise DuplicateComplaintError(
                    "You already have an open complaint about one of these addresses."
                ) from None
            for upload in evidence or []:
                record = Evidence.store(complaint=complaint, upload=upload, added_by=NOTIFIER)
                stored_files.append(record.file.name)
            AuditEvent.record(
                actor=None,
                subject=complaint,
                action="complaint.filed",
                to_state=S.UNVERIFIED,
                details={"by": NOTIFIER, "items": len(items), "evidence": len(stored_files)},
            )
            outbox.queue_message(
                to=complaint.notifier_email,
                kind="complaint_verification",
                template="editorial/email/complaint_verification.txt",
                context={
                    "complaint": complaint,
                    "items": items,
                    "confirm_url": settings.SITE_URL + reverse("editorial:complaint_verify", kwargs={"token": token}),
                },
                related=complaint,
            )
    except BaseException:
        storage = private_storage()
        for name in stored_files:
            storage.delete(name)
        raise
    return complaint
