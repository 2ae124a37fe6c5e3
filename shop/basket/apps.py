import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    name = "shop.basket"

    def ready(self):
        super().ready()
        from legal.privacy import personal_data as privacy
        from shop.basket import personal_data

        # No export of its own: baskets appear among the export's other records.
        privacy.register_eraser("baskets", personal_data.erase_baskets)
