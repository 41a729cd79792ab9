from django.tasks import task


@task()
def make_renditions(image_id: int) -> int:
    """Make the missing renditions of one image; returns how many were made. Safe to run twice."""
    from .models import Image

    image = Image.objects.filter(pk=image_id, removed_at__isnull=True).first()
    if image is None:
        return 0
    return len(image.make_renditions())
