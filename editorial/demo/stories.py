"""The demo articles: their words are data (stories.json, written by us for this project); this module reads
them into the shapes the loader uses.

Inline pictures are placed with `[[picture:NAME]]` lines, which the loader turns into `[[image:ID]]` once the
picture exists. Times are Beijing time, written with their offset.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from articles.models import Article

DATA = Path(__file__).with_name("stories.json")


@dataclass(frozen=True)
class HeroData:
    kicker: str
    headline: str
    alt_text: str
    caption: str
    seed: int


@dataclass(frozen=True)
class TimelineData:
    title: str
    events: list[tuple[str, str]]
    alt_text: str
    caption: str


@dataclass(frozen=True)
class CorrectionData:
    kind: str
    text: str
    published_at: datetime.datetime


@dataclass(frozen=True)
class StoryData:
    slug: str
    title: str
    dek: str
    section: str
    initiatives: list[str]
    tags: list[str]
    editor: str
    responsible_editor: str
    body: str
    # None for an article that was never published; a relative delay (timedelta) schedules it from load time.
    published_at: datetime.datetime | datetime.timedelta | None
    status: str = Article.Status.PUBLISHED
    featured: bool = False
    hero: HeroData | None = None
    pictures: dict[str, TimelineData] = field(default_factory=dict)
    corrections: list[CorrectionData] = field(default_factory=list)
    rights_basis: str = Article.RightsBasis.ORIGINAL
    original_publisher: str = ""
    original_url: str = ""
    source_contact_email: str = ""


def story_from_data(row: dict) -> StoryData:
    """One story of stories.json as the loader uses it (datetimes parsed, the body's blocks joined by lines)."""
    published_at = row["published_at"]
    if isinstance(published_at, dict):
        published_at = datetime.timedelta(days=published_at["days_after_loading"])
    elif published_at is not None:
        published_at = datetime.datetime.fromisoformat(published_at)
    return StoryData(
        **{
            **row,
            "body": "\n".join(row["body"]),
            "published_at": published_at,
            "hero": HeroData(**row["hero"]) if row["hero"] else None,
            "pictures": {
                name: TimelineData(**{**picture, "events": [tuple(event) for event in picture["events"]]})
                for name, picture in row["pictures"].items()
            },
            "corrections": [
                CorrectionData(**{**c, "published_at": datetime.datetime.fromisoformat(c["published_at"])})
                for c in row["corrections"]
            ],
        }
    )


STORIES: list[StoryData] = [story_from_data(row) for row in json.loads(DATA.read_text(encoding="utf-8"))["stories"]]
