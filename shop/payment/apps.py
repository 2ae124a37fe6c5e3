import oscar.apps.payment.apps as apps


class PaymentConfig(apps.PaymentConfig):
    name = "shop.payment"

    def ready(self):
        super().ready()
        from shop.payment import webhook_handlers  # noqa: F401 (registers payment's own event handlers)
