from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shop.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from legal.privacy import personal_data as privacy
        from shop.accounts import personal_data

        privacy.register_exporter("sign_in_history", personal_data.export_sign_ins)
        privacy.register_eraser("sign_in_history", personal_data.erase_sign_ins)
