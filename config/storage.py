"""Private object storage: complaint evidence and withheld images, never reachable by a URL."""

from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """S3 storage for files that only the back office may read, through a view that checks who asks.

    Like the filesystem private storage (base_url=None), `url()` refuses: a signed or unsigned link to
    evidence could be forwarded, cached or logged, so the application streams such files itself.
    Objects are owner-only (S3's default; no public ACL is ever sent, see settings.STORAGES["private"]).
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL: stream them through a view that checks permissions.")


class PrivateFileSystemStorage(FileSystemStorage):
    """Filesystem storage for the same private files, outside MEDIA_ROOT.

    Django's FileSystemStorage falls back to MEDIA_URL when base_url is None, so a private file would
    still get a /media/... address; this one has none.
    """

    def url(self, name):
        raise ValueError("Private files have no URL: stream them through a view that checks permissions.")
