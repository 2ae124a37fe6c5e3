from .accounts import UserFactory
from .catalogue import AuthorFactory, BookFactory, SeriesFactory, WorkFactory, make_book

__all__ = ["AuthorFactory", "BookFactory", "SeriesFactory", "UserFactory", "WorkFactory", "make_book"]
