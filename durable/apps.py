from django.apps import AppConfig


class DurableConfig(AppConfig):
    name = "durable"
    label = "durable"
    verbose_name = "Durable background work"
    default_auto_field = "django.db.models.BigAutoField"
