"""Media on S3-compatible object storage when configured; private files never get a URL (issue 8, point 4).

Without a cloud account, the S3 side is tested with moto, which plays S3 inside this process: the real
django-storages code writes real requests, and we read back what a bucket would hold.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.module_loading import import_string
from moto import mock_aws

ROOT = Path(__file__).resolve().parent.parent
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def storages_setting(extra_env: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **extra_env})
    code = (
        "import django, json; django.setup(); from django.conf import settings;"
        "print(json.dumps(settings.STORAGES, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "masthead-media",
    "AWS_PRIVATE_STORAGE_BUCKET_NAME": "masthead-private",
    "AWS_S3_REGION_NAME": "eu-central-1",
}


@pytest.fixture(scope="module")
def s3_storages() -> dict:
    return storages_setting(S3_ENV)


def test_without_a_bucket_media_stay_on_the_filesystem():
    setting = storages_setting({})
    assert setting["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert setting["private"]["BACKEND"] == "config.storage.PrivateFileSystemStorage"


def test_a_bucket_switches_media_to_s3(s3_storages):
    public = s3_storages["default"]
    assert public["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == "masthead-media"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert public["OPTIONS"]["file_overwrite"] is False  # a second upload never replaces a published file


def test_private_files_get_a_private_backend_with_no_public_url_options(s3_storages):
    private = s3_storages["private"]
    assert private["BACKEND"] == "config.storage.PrivateS3Storage"
    options = private["OPTIONS"]
    assert options["bucket_name"] == "masthead-private"
    assert options["default_acl"] is None  # owner-only by S3's default; no ACL header for ACL-less buckets
    assert options["querystring_auth"] is True
    assert options["custom_domain"] is None  # a CDN domain would bypass signing


def test_private_files_share_the_bucket_under_their_own_prefix_when_no_second_bucket_is_given():
    setting = storages_setting({"AWS_STORAGE_BUCKET_NAME": "masthead-media"})
    assert setting["private"]["OPTIONS"]["bucket_name"] == "masthead-media"
    assert setting["private"]["OPTIONS"]["location"] == "private"
    assert setting["default"]["OPTIONS"]["location"] == "media"


@pytest.fixture
def bucket_world(monkeypatch, s3_storages):
    """moto's S3 with both buckets, and storage objects built exactly as settings describe them."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-central-1")
        for bucket in ("masthead-media", "masthead-private"):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        built = {
            alias: import_string(s3_storages[alias]["BACKEND"])(**s3_storages[alias]["OPTIONS"])
            for alias in ("default", "private")
        }
        yield s3, built


def test_evidence_stored_in_the_private_bucket_is_not_readable_by_anyone_but_the_owner(bucket_world):
    s3, built = bucket_world
    name = built["private"].save("evidence/cn-2026-000042/original.pdf", ContentFile(b"%PDF-1.7 evidence"))
    key = f"private/{name}"
    assert s3.get_object(Bucket="masthead-private", Key=key)["Body"].read() == b"%PDF-1.7 evidence"
    grants = s3.get_object_acl(Bucket="masthead-private", Key=key)["Grants"]
    assert all(g["Grantee"].get("URI") != ALL_USERS for g in grants)
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert s3.head_object(Bucket="masthead-private", Key=key)["CacheControl"] == "private, no-store"
    # The application reads it back itself, to stream it to an officer.
    with built["private"].open(name) as handle:
        assert handle.read() == b"%PDF-1.7 evidence"


def test_a_private_file_has_no_url_in_object_storage(bucket_world):
    _, built = bucket_world
    name = built["private"].save("withheld/picture.jpg", ContentFile(b"jpeg bytes"))
    with pytest.raises(ValueError, match="no URL"):
        built["private"].url(name)


def test_public_media_get_plain_long_cached_urls(bucket_world):
    s3, built = bucket_world
    name = built["default"].save("images/2026/05/harbour.jpg", ContentFile(b"jpeg bytes"))
    url = built["default"].url(name)
    assert "masthead-media" in url and url.endswith("images/2026/05/harbour.jpg")
    assert "Signature" not in url and "X-Amz" not in url
    head = s3.head_object(Bucket="masthead-media", Key=f"media/{name}")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"


def test_a_second_upload_with_the_same_name_never_replaces_the_first(bucket_world):
    _, built = bucket_world
    first = built["default"].save("images/same.jpg", ContentFile(b"first"))
    second = built["default"].save("images/same.jpg", ContentFile(b"second"))
    assert first != second
    with built["default"].open(first) as handle:
        assert handle.read() == b"first"


def test_the_filesystem_private_storage_refuses_urls_too(tmp_path):
    """Built from the real setting (tests/conftest.py swaps in a plain FileSystemStorage of its own)."""
    setting = storages_setting({"PRIVATE_MEDIA_ROOT": str(tmp_path / "private")})["private"]
    storage = import_string(setting["BACKEND"])(**setting["OPTIONS"])
    name = storage.save("evidence/statement.txt", ContentFile(b"a sworn statement"))
    assert (tmp_path / "private" / name).read_bytes() == b"a sworn statement"
    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)


def test_private_files_cannot_be_configured_inside_the_public_media_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "DEBUG": "1",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "media" / "private"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_ROOT" in result.stderr.strip().splitlines()[-1]


@pytest.mark.django_db
def test_a_private_file_is_not_served_under_media(client, settings):
    name = storages["private"].save("evidence/photo.jpg", ContentFile(b"jpeg bytes"))
    for guess in (f"/media/{name}", f"/media/../private-media/{name}", f"/private-media/{name}"):
        assert client.get(guess).status_code == 404
