from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "legal"
    verbose_name = "Legal"

    def ready(self):
        from legal import receivers

        receivers.connect()
