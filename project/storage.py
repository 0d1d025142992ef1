"""Object storage for stored files (S3_BUCKET, project/settings.py).

Objects stay private in the bucket: a file's URL is MEDIA_URL + its name, the address of claims.files.stored_file,
which checks who may see each file and streams it, exactly as for files on the local disk. django-storages' own
URLs would be signed links straight into the bucket, readable by anyone holding one, desk or not.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(
        self, name: str | None, parameters: object = None, expire: object = None, http_method: object = None
    ) -> str:
        return settings.MEDIA_URL + filepath_to_uri(name or "").lstrip("/")  # as FileSystemStorage.url
