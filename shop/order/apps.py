import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "shop.order"

    def ready(self):
        super().ready()
        from legal.privacy import personal_data as privacy
        from shop.order import personal_data, receivers

        receivers.connect()
        Order = self.get_model("Order")
        privacy.register_exporter("orders", personal_data.export_orders, models=[Order])
        privacy.register_eraser("orders", personal_data.anonymise_orders)
