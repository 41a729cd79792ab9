"""A decision on a copyright complaint as records other systems read (issue 6, point 9).

- `lumen_record(complaint)`: the notice and what we did, in the shape of a Lumen database notice
  (lumendatabase.org: `title`, `date_sent`, `date_received`, `sender_name`, `principal_name`,
  `recipient_name`, `works` with `copyrighted_urls` and `infringing_urls`, `action_taken`...). Lumen
  publishes who sent a notice, so the record names the sender (the organisation, or the person when there
  is none) and the rights holder, but never an email, phone number or postal address.
- `dsa_statements(complaint)`: one DSA statement of reasons per measure taken, with the attribute names and
  values of the EU Transparency Database API (`decision_visibility`, `decision_ground`, `category`,
  `source_type`, `automated_detection`, `automated_decision`, `puid`, ...), wrapped as
  `{"statements": [...]}` like the API's endpoint for several statements. The database must receive no
  personal data (DSA Article 24(5)), so nothing about the notifier goes in; the facts are written by this
  module from the decision, and the explanation is the officer's reasons for the item.

Both are for officers only (they are served by staff routes in `editorial.transparency_views`).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.http import absolute_url
from editorial.models import Complaint, ComplaintItem, Measure


class NotExportable(Exception):
    """The decision cannot be exported (yet). The message says why."""


# --- the EU Transparency Database vocabulary ----------------------------------------------------------------

DECISION_GROUND_ILLEGAL_CONTENT = "DECISION_GROUND_ILLEGAL_CONTENT"
CATEGORY_INTELLECTUAL_PROPERTY = "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
KEYWORD_COPYRIGHT = "KEYWORD_COPYRIGHT_INFRINGEMENT"
SOURCE_ARTICLE_16 = "SOURCE_ARTICLE_16"
AUTOMATED_DETECTION_NO = "No"
AUTOMATED_DECISION_NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED"
CONTENT_TYPE_TEXT = "CONTENT_TYPE_TEXT"
CONTENT_TYPE_IMAGE = "CONTENT_TYPE_IMAGE"

# A withheld article keeps its address, which answers 451: access is disabled, nothing is deleted. A removed
# image is taken off every page (its file kept privately only to restore it). A correction edits the
# article in place, which the API's fixed list does not name, so it is "other", specified.
DECISION_VISIBILITY = {
    Measure.Kind.WITHHOLD_ARTICLE: "DECISION_VISIBILITY_CONTENT_DISABLED",
    Measure.Kind.REMOVE_IMAGE: "DECISION_VISIBILITY_CONTENT_REMOVED",
    Measure.Kind.CORRECT: "DECISION_VISIBILITY_OTHER",
}
DECISION_VISIBILITY_OTHER_TEXT = (
    "Edited: the source was credited or the passage concerned was removed, with a public correction."
)

# Our measures apply on every page of the site, so in every EU/EEA country (ISO 3166 codes as the database
# spells them: Greece is GR).
EEA_COUNTRIES = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT",
    "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
]  # fmt: skip

LEGAL_GROUND = {
    Complaint.Regime.US: "Copyright infringement; notice under 17 U.S.C. § 512 (DMCA).",
    Complaint.Regime.EU: "Copyright infringement under Directive 2001/29/EC and national copyright law; "
    "notice under Article 16 of Regulation (EU) 2022/2065.",
    Complaint.Regime.PRC: "Copyright infringement; notice under the Regulations on the Protection of the Right "
    "of Communication through Information Networks (PRC).",
    Complaint.Regime.GENERAL: "Copyright infringement under the copyright law that applies to the work.",
}

MEASURE_FACTS = {
    Measure.Kind.WITHHOLD_ARTICLE: "withheld the whole article: its address now explains that it is unavailable "
    "for legal reasons and how to answer",
    Measure.Kind.REMOVE_IMAGE: "removed the image from every page where it appeared, with a captioned placeholder",
    Measure.Kind.CORRECT: "corrected the article (credit or removal of the passage) and published a correction",
}

ITEM_KIND_FACTS = {
    ComplaintItem.Kind.ARTICLE: "a whole article",
    ComplaintItem.Kind.IMAGE: "an image",
    ComplaintItem.Kind.PASSAGE: "a passage of an article",
}

# Limits of the API, in characters.
MAX_FACTS, MAX_LEGAL_GROUND, MAX_EXPLANATION, MAX_OTHER = 5000, 500, 2000, 500


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _local_time(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _local_date(moment) -> str | None:
    return timezone.localdate(moment).isoformat() if moment else None


def _decided(complaint: Complaint) -> None:
    if complaint.decided_at is None:
        raise NotExportable(f"{complaint} has not been decided yet: there is no decision to export.")


def _items(complaint: Complaint) -> list[ComplaintItem]:
    return list(complaint.items.select_related("article", "image").prefetch_related("measures").order_by("position"))


# --- DSA statement of reasons -------------------------------------------------------------------------------


def dsa_statements(complaint: Complaint) -> dict:
    """Every measure taken on the complaint's items as a DSA statement of reasons, oldest first.

    Raises NotExportable for an undecided complaint or one where nothing was restricted (a rejection
    restricts nothing, so no statement of reasons is due)."""
    _decided(complaint)
    statements = []
    for item in _items(complaint):
        for measure in sorted(item.measures.all(), key=lambda m: (m.applied_at, m.pk)):
            statements.append(dsa_statement(complaint, item, measure))
    if not statements:
        raise NotExportable(
            f"No measure was taken on {complaint}: a statement of reasons is due only for a restriction."
        )
    return {"statements": statements}


def dsa_statement(complaint: Complaint, item: ComplaintItem, measure: Measure) -> dict:
    """One measure as a statement of reasons, with the attribute names of the EU Transparency Database API."""
    article = item.article
    if item.kind == ComplaintItem.Kind.IMAGE:
        content_type = [CONTENT_TYPE_IMAGE]
        content_date = item.image.created_at if item.image else None
    else:
        content_type = [CONTENT_TYPE_TEXT]
        content_date = article.first_published_at if article else None
    record = {
        # The platform's own identifier: unique per measure and never reused (a measure undone and later
        # applied again is a new measure, with a new statement).
        "puid": f"{complaint.reference}-{item.position}-{measure.pk}",
        "decision_visibility": [DECISION_VISIBILITY[measure.kind]],
    }
    if measure.kind == Measure.Kind.CORRECT:
        record["decision_visibility_other"] = _clip(DECISION_VISIBILITY_OTHER_TEXT, MAX_OTHER)
    record.update(
        {
            "end_date_visibility_restriction": _local_date(measure.reversed_at),
            "decision_ground": DECISION_GROUND_ILLEGAL_CONTENT,
            "decision_ground_reference_url": settings.SITE_URL + reverse("editorial:copyright_policy"),
            "illegal_content_legal_ground": _clip(LEGAL_GROUND[complaint.regime], MAX_LEGAL_GROUND),
            "illegal_content_explanation": _clip(
                item.reasons or complaint.decision_reasons or "The notice was found to be substantiated.",
                MAX_EXPLANATION,
            ),
            "content_type": content_type,
            "category": CATEGORY_INTELLECTUAL_PROPERTY,
            "category_specification": [KEYWORD_COPYRIGHT],
            "territorial_scope": list(EEA_COUNTRIES),
            "content_date": _local_date(content_date),
            "application_date": _local_date(measure.applied_at),
            "decision_facts": _clip(_facts(complaint, item, measure), MAX_FACTS),
            "source_type": SOURCE_ARTICLE_16,
            "automated_detection": AUTOMATED_DETECTION_NO,
            "automated_decision": AUTOMATED_DECISION_NOT_AUTOMATED,
        }
    )
    if article is not None and article.language:
        record["content_language"] = article.language.split("-")[0].upper()
    return record


def _facts(complaint: Complaint, item: ComplaintItem, measure: Measure) -> str:
    """The facts in our words, with no personal data: what was notified, who decided, what was done, when."""
    facts = (
        f"A copyright notice ({Complaint.Regime(complaint.regime).label}) named {ITEM_KIND_FACTS[item.kind]} "
        f"published on our site. A copyright officer reviewed the notice and its evidence and, on "
        f"{_local_date(measure.applied_at)}, {MEASURE_FACTS[measure.kind]}. No automated means were used to "
        "detect the content or to decide."
    )
    if measure.reversed_at:
        why = f" ({measure.get_reversal_reason_display().lower()})" if measure.reversal_reason else ""
        facts += f" The measure was undone on {_local_date(measure.reversed_at)}{why}."
    return facts


# --- Lumen-style record -------------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"']+")
NO_URL = "No URL submitted"


def lumen_action_taken(items: list[ComplaintItem]) -> str:
    """Lumen's `action_taken`: Yes (every item upheld), Partial (some), No (none)."""
    upheld = sum(1 for item in items if item.outcome == ComplaintItem.Outcome.UPHELD)
    if upheld == 0:
        return "No"
    return "Yes" if upheld == len(items) else "Partial"


def lumen_record(complaint: Complaint) -> dict:
    """The complaint and its decision as a Lumen-style notice. Raises NotExportable if not decided yet."""
    _decided(complaint)
    items = _items(complaint)
    sender = complaint.notifier_organisation.strip() or complaint.notifier_name
    principal = complaint.on_behalf_of.strip() if complaint.capacity == Complaint.Capacity.AGENT else sender
    original_urls = _URL.findall(complaint.original_location) or [NO_URL]
    regime_label = Complaint.Regime(complaint.regime).label
    return {
        "notice": {
            "id": complaint.reference,
            "type": "Dmca" if complaint.regime == Complaint.Regime.US else "International",
            "title": f"Copyright complaint {complaint.reference} to {settings.SITE_NAME}",
            "body": complaint.explanation,
            "date_sent": _local_time(complaint.created_at),
            "date_received": _local_time(complaint.received_at),
            "date_decided": _local_time(complaint.decided_at),
            "topics": ["Copyright"],
            "sender_name": sender,
            "principal_name": principal or sender,
            "recipient_name": settings.SITE_NAME,
            "jurisdictions": [complaint.notifier_country] if complaint.notifier_country else [],
            "regulations": [regime_label],
            "language": "en",
            "action_taken": lumen_action_taken(items),
            "works": [
                {
                    "description": complaint.work_description,
                    "copyrighted_urls": [{"url": url} for url in original_urls],
                    "infringing_urls": [
                        {
                            "url": absolute_url(item.url),
                            "kind": item.kind,
                            "outcome": item.outcome,
                            "measures": [
                                {
                                    "kind": m.kind,
                                    "applied_at": _local_time(m.applied_at),
                                    "reversed_at": _local_time(m.reversed_at),
                                    "reversal_reason": m.reversal_reason,
                                }
                                for m in sorted(item.measures.all(), key=lambda m: (m.applied_at, m.pk))
                            ],
                        }
                        for item in items
                    ],
                }
            ],
            "tags": [complaint.regime, complaint.get_remedy_display().lower()],
        }
    }
