from oscar.apps.customer.abstract_models import AbstractUser


class User(AbstractUser):
    """Our own user model from the first migration, so fields can be added without pain.

    Oscar's abstract user signs in by email and has no username.
    """

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
