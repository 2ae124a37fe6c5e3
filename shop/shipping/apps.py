import oscar.apps.shipping.apps as apps


class ShippingConfig(apps.ShippingConfig):
    name = "shop.shipping"

    def ready(self):
        super().ready()
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import rules

        for model in (self.get_model("WeightBased"), self.get_model("WeightBand")):
            post_save.connect(
                rules.forget_methods, sender=model, dispatch_uid=f"methods-save-{model.__name__}"
            )
            post_delete.connect(
                rules.forget_methods, sender=model, dispatch_uid=f"methods-del-{model.__name__}"
            )
        countries = self.get_model("WeightBased").countries.through
        m2m_changed.connect(rules.forget_methods, sender=countries, dispatch_uid="methods-countries")
