from django.apps import AppConfig


class BookclubConfig(AppConfig):
    name = "bookclub"
    verbose_name = "Book club"
