"""eBook files, who may read each one, and every download started (R-E1, R-X5)."""

from django.conf import settings
from django.db import models

from shop.ebooks.storage import private_storage


class EbookFile(models.Model):
    """The master EPUB of an eBook product, in private storage (never under a public URL)."""

    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, related_name="ebook_file")
    file = models.FileField(storage=private_storage, upload_to="ebooks/", max_length=255)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.file.name


class Entitlement(models.Model):
    """One customer may read one eBook, because of one order line (bought, or a subscription's).

    ``consented_at``: the customer agreed, expressly, that the download starts now and ends the
    right to cancel (R-X5, T7.11). ``revoked_at``: the line was cancelled or refunded, so the
    eBook leaves the shelf and its links stop working.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ebooks")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    line = models.OneToOneField("order.Line", on_delete=models.CASCADE, related_name="ebook_entitlement")
    available_from = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    first_download_at = models.DateTimeField(null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-available_from", "-pk"]
        indexes = [models.Index(fields=["user", "-available_from"], name="ebooks_shelf")]

    def __str__(self) -> str:
        return f"{self.product} for {self.user}"


class Download(models.Model):
    """A download started: who, when, which file (R-E1), recorded before the file is sent."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="downloads")
    started_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.entitlement} at {self.started_at:%Y-%m-%d %H:%M}"
