"""`PictureField`: the one door every uploaded picture comes through (issue 12, points 5 and 6).

Article images, editors' portraits and initiatives' logos are all public pictures that arrive from someone's
camera or laptop. Whichever path stores one (the admin, a form, a command, `field.save()` in a script), it
is stored by `PictureFieldFile.save()`, which passes it through `articles.images.clean_upload` (the same
checks, re-encoding and metadata stripping for all of them) and files it under a random folder, so its
public address cannot be guessed from anything a visitor can count. A file that a new upload (or "clear")
replaces is deleted once the change has committed; a rollback keeps it, as the row still names it.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import partial

from django import forms
from django.db import models, router, transaction
from django.db.models import signals
from django.db.models.fields.files import ImageFieldFile

from . import images as image_processing


def unguessable_folder() -> str:
    """A fresh random folder name (128 bits): a picture's public address reveals nothing and predicts nothing."""
    return secrets.token_hex(16)


class PictureFormField(forms.FileField):
    """The upload box of a picture: checked by its content, with the pipeline's own clear messages."""

    # Django's forms.ImageField would refuse (or accept) by its own rules first, e.g. GIF; ours are the
    # rules the stored file is held to, so the message an editor sees is the one that applies.
    default_validators = [image_processing.inspect_upload]

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ",".join(f"image/{fmt.lower()}" for fmt in sorted(image_processing.ACCEPTED_FORMATS))
        return attrs


class PictureFieldFile(ImageFieldFile):
    def save(self, name: str, content, save: bool = True) -> None:
        """Store a new picture: checked, re-encoded without metadata, under a random folder."""
        cleaned, _ = image_processing.clean_upload(content, name=name)
        if self.field.sha256_field:
            setattr(self.instance, self.field.sha256_field, hashlib.sha256(cleaned.read()).hexdigest())
            cleaned.seek(0)
        super().save(f"{unguessable_folder()}/{cleaned.name}", cleaned, save)


class PictureField(models.ImageField):
    """An ImageField whose new files go through the image pipeline and whose replaced files are deleted.

    `sha256_field`, like `width_field`, names a field that receives the SHA-256 of the stored (cleaned) bytes.
    """

    attr_class = PictureFieldFile

    def __init__(self, *args, sha256_field: str | None = None, **kwargs) -> None:
        self.sha256_field = sha256_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.sha256_field:
            kwargs["sha256_field"] = self.sha256_field
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})

    def contribute_to_class(self, cls, name, **kwargs) -> None:
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            # After the row is written, not before: in autocommit an on_commit callback runs at once, and
            # the old file must outlive any failure of the UPDATE that stops naming it.
            signals.post_save.connect(
                self._delete_replaced_file, sender=cls, dispatch_uid=f"{cls._meta.label}.{name}.replaced"
            )

    @property
    def _replaced_key(self) -> str:
        return f"_replaced_{self.attname}"

    def pre_save(self, model_instance, add: bool):
        previous = "" if add else self._stored_name(model_instance)
        file = super().pre_save(model_instance, add)
        if previous and previous != file.name:
            model_instance.__dict__[self._replaced_key] = previous
        return file

    def _stored_name(self, instance) -> str:
        using = router.db_for_write(type(instance), instance=instance)
        stored = (
            instance._meta.base_manager.db_manager(using)
            .filter(pk=instance.pk)
            .values_list(self.attname, flat=True)
            .first()
        )
        return stored or ""

    def _delete_replaced_file(self, sender, instance, using: str, **kwargs) -> None:
        previous = instance.__dict__.pop(self._replaced_key, None)
        if previous:
            transaction.on_commit(partial(self.storage.delete, previous), using=using)
