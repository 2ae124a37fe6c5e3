from django.conf import settings
from django.contrib.auth import login as auth_login
from oscar.apps.customer import mixins as oscar_mixins
from oscar.apps.customer.signals import user_registered


class RegisterUserMixin(oscar_mixins.RegisterUserMixin):
    def register_user(self, form):
        """Oscar's registration, signing the new reader in directly.

        Oscar calls authenticate() without the request, which django-axes refuses (it needs the
        request to count attempts); and the password was checked a moment ago by the form.
        Emails are unique, so Oscar's clean-up of duplicate registrations is not needed."""
        user = form.save()
        user_registered.send_robust(sender=self, request=self.request, user=user)
        if getattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True):
            self.send_registration_email(user)
        auth_login(self.request, user, backend="shop.accounts.sign_in.EmailBackend")
        return user
