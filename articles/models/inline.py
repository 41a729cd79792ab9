"""The pictures an article's body places with `[[image:ID]]` markers: checking them and keeping the relation."""

from __future__ import annotations

from .pictures import Image


def unknown_image_ids(ids: list[int]) -> list[int]:
    """Those of `ids` that name no picture in the library, in order, each once."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    known = set(Image.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return [pk for pk in wanted if pk not in known]


def unknown_images_message(ids: list[int]) -> str:
    markers = ", ".join(f"[[image:{pk}]]" for pk in ids)
    if len(ids) == 1:
        return f"There is no picture {ids[0]} in the library: check the marker {markers}, or add the picture first."
    listed = ", ".join(str(pk) for pk in ids)
    return f"There are no pictures {listed} in the library: check the markers {markers}, or add the pictures first."


def sync_inline_images(article) -> None:
    """Keep `article.inline_images` equal to the pictures its body places with `[[image:ID]]` markers.

    An index of the body, so every save of a body refreshes it. Only pictures that exist: a marker naming no
    picture (refused by clean_fields() in every form) must not reach the relation, where the database would
    fail the whole save at commit (issue 12, point 4).
    """
    ids = article.inline_image_ids()
    article.inline_images.set(list(Image.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else [])
