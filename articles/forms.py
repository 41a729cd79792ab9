from django import forms

from . import images as image_processing
from .models import Image


class ImageForm(forms.ModelForm):
    """The upload form: the file is checked by its content, with a clear message for what is refused."""

    file = forms.FileField(
        help_text="JPEG, PNG or WebP. Location data and other metadata are removed on upload.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/avif"}),
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "alt_text",
            "caption",
            "credit",
            "copyright_holder",
            "licence",
            "source_url",
            "focal_point_x",
            "focal_point_y",
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and hasattr(upload, "content_type"):  # a new upload, not the stored file
            image_processing.inspect_upload(upload)
        return upload


class LibraryUploadForm(ImageForm):
    """A new picture uploaded from the article editor's picture library: what a reader and a rights holder
    need (alt text, credit, licence), the rest can be filled in later on the picture's own page."""

    class Meta(ImageForm.Meta):
        fields = ["file", "alt_text", "credit", "licence", "caption", "copyright_holder", "source_url"]
