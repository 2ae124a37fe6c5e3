from django import forms

from shop.returns.models import Cancellation


class LinesForm(forms.Form):
    """Which books to cancel: a quantity per cancellable line (0 keeps it), and a reason."""

    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for line, left, refusal in rows:
            name = f"line_{line.pk}"
            if not refusal and left:
                self.fields[name] = forms.TypedChoiceField(
                    label=line.title,
                    choices=[(n, str(n)) for n in range(left + 1)],
                    coerce=int,
                    initial=left if left == 1 else 0,
                    required=False,
                    empty_value=0,
                )
            self.rows.append((line, left, refusal, name if name in self.fields else None))

    def bound_rows(self):
        return [
            (line, left, refusal, self[name] if name else None) for line, left, refusal, name in self.rows
        ]

    def line_quantities(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data.get(name) or 0 for line, _, _, name in self.rows if name is not None
        }


class AdminCancellationForm(LinesForm):
    """An order admin records a cancellation that came by email, letter or phone (R-X1)."""

    channel = forms.ChoiceField(
        choices=[
            (c.value, c.label)
            for c in (Cancellation.Channel.EMAIL, Cancellation.Channel.LETTER, Cancellation.Channel.PHONE)
        ]
    )
    sent_on = forms.DateField(
        label="Date the customer sent it",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=True,
    )


class RefusedDutiesForm(forms.Form):
    received_on = forms.DateField(
        label="Day the parcel came back", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class PostingForm(forms.Form):
    posted_on = forms.DateField(
        label="Date on the proof of posting",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ReceiveForm(forms.Form):
    received_on = forms.DateField(
        label="Day the books came back", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    condition = forms.ChoiceField(choices=Cancellation.Condition.choices, widget=forms.RadioSelect)
    deduction = forms.DecimalField(
        label="Deduction (no longer as new)", min_value=0, decimal_places=2, required=False
    )
    deduction_reason = forms.CharField(label="Reason for the deduction", required=False, max_length=500)
    return_postage = forms.DecimalField(
        label="Return postage claimed, with proof (faulty only)",
        min_value=0,
        decimal_places=2,
        required=False,
    )
