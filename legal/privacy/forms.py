from django import forms

from legal.privacy.models import MarketingPreferences


def _checkbox(name):
    return forms.CheckboxInput(attrs={"class": "form-check-input", "aria-describedby": f"id_{name}_help"})


class CookiePreferencesForm(forms.Form):
    functional = forms.BooleanField(
        required=False,
        widget=_checkbox("functional"),
        label="Functional cookies",
        help_text="Remember choices that make the site more convenient, beyond what it needs to work.",
    )
    analytics = forms.BooleanField(
        required=False,
        widget=_checkbox("analytics"),
        label="Analytics cookies",
        help_text="Count visits and pages read, so we can see what works and what does not.",
    )


class MarketingPreferencesForm(forms.ModelForm):
    class Meta:
        model = MarketingPreferences
        fields = ["newsletter", "catalogue_mailings", "special_offers"]
        widgets = {name: _checkbox(name) for name in fields}
        labels = {
            "newsletter": "The monthly newsletter",
            "catalogue_mailings": "Catalogue mailings",
            "special_offers": "Special offers",
        }
        help_texts = {
            "newsletter": "News from the club and what our editors are reading, once a month.",
            "catalogue_mailings": "Our seasonal catalogue, by email.",
            "special_offers": "Discounts and offers, a few times a year.",
        }


class PasswordConfirmForm(forms.Form):
    """Re-entering the password before something that cannot be undone."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Please try again.")
        return password
