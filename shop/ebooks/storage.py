"""Private storage: files under ``PRIVATE_ROOT`` that no URL serves (R-E1)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Like the media storage, but rooted at ``PRIVATE_ROOT`` and with no public URL: a file
    here leaves the site only through a view that checked who asks (``url()`` refuses)."""

    # Properties, not cached: a test that points PRIVATE_ROOT elsewhere is followed at once.
    @property
    def base_location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()
