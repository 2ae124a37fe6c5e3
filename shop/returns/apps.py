from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """Cancellations, returns, faulty goods and refused duties (R-X1 to R-X5, R-X7, R-P4).
    Every refund goes through the order's EventHandler; every step is an event on the lines."""

    name = "shop.returns"
    label = "returns"
    verbose_name = "Cancellations and returns"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from shop.returns import receivers

        receivers.connect()
