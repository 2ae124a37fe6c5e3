import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "shop.order"

    def ready(self):
        super().ready()
        from legal.privacy import personal_data as privacy
        from shop.order import personal_data, receivers

        receivers.connect()
        # The records admins keep about orders (who revised a date, who corrected a price) are
        # covered here, so an admin's own download does not list other customers' orders.
        covered = [
            self.get_model(name) for name in ("Order", "EstimatedDeliveryRevision", "LinePriceCorrection")
        ]
        privacy.register_exporter("orders", personal_data.export_orders, models=covered)
        privacy.register_eraser("orders", personal_data.anonymise_orders)
