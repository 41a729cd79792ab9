"""Public forms: the copyright complaint, the notifier's follow-ups, and the contact form."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from editorial.models import Complaint, ComplaintItem, ContactInquiry, NotifierSanction

from .evidence import EvidenceField, evidence_help, evidence_refusal
from .identity import notifier_identity
from .intake import max_urls, resolve_urls


class PublicForm(forms.Form):
    """Labels are questions and sentences here; Django's trailing colon would read oddly after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class HoneypotMixin(PublicForm):
    # Hidden from people by CSS; bots that fill every field fill this one too.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


# --- the complaint ------------------------------------------------------------------------------------------


def _step(title: str, intro: str, *fields: str) -> tuple[str, str, tuple[str, ...]]:
    return (title, intro, fields)


class ComplaintForm(HoneypotMixin, forms.ModelForm):
    STEPS = (
        _step(
            "1. About you",
            "We use these details only to handle your complaint. We never publish them; we may share your name "
            "and organisation with the person whose content you name, as the law requires.",
            "notifier_name",
            "notifier_organisation",
            "notifier_email",
            "notifier_phone",
            "notifier_address",
            "notifier_country",
        ),
        _step(
            "2. Your authority",
            "Only the owner of the rights, or someone they have authorised, may complain.",
            "capacity",
            "on_behalf_of",
            "regime",
        ),
        _step(
            "3. The original work",
            "Tell us what you created and where and when it was first published, so we can compare dates.",
            "work_description",
            "original_location",
            "original_published_on",
            "first_publication_proof",
        ),
        _step(
            "4. Where it appears on this site",
            "List each address on our site that uses your work, one per line. We check each one now.",
            "urls",
        ),
        _step(
            "5. Why it infringes, with evidence",
            "Explain in your own words, and attach anything that supports it.",
            "explanation",
            "evidence",
        ),
        _step("6. What you ask for", "", "remedy"),
        _step(
            "7. Statements and signature",
            "These statements have legal weight. A knowingly false complaint may make you liable for damages.",
            "statement_good_faith",
            "statement_accuracy",
            "statement_fair_use",
            "signature",
        ),
    )

    urls = forms.CharField(
        label="Addresses on this site",
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=(
            "One address per line, up to 1,000. For a whole article, paste its address. For one picture, "
            "right-click it and copy the image address. For a passage, put the exact words in quotation marks "
            'after the article\'s address, e.g. https://…/articles/…/ "the copied words".'
        ),
    )
    evidence = EvidenceField(label="Evidence files (optional)")  # help text: the limits in force, in __init__

    class Meta:
        model = Complaint
        fields = [
            "notifier_name",
            "notifier_organisation",
            "notifier_email",
            "notifier_phone",
            "notifier_address",
            "notifier_country",
            "capacity",
            "on_behalf_of",
            "regime",
            "work_description",
            "original_location",
            "original_published_on",
            "first_publication_proof",
            "explanation",
            "remedy",
            "statement_good_faith",
            "statement_accuracy",
            "statement_fair_use",
            "signature",
        ]
        labels = {
            "notifier_name": "Your full name",
            "notifier_organisation": "Organisation (optional)",
            "notifier_email": "Email address",
            "notifier_phone": "Phone number (optional)",
            "notifier_address": "Postal address",
            "notifier_country": "Country",
            "capacity": "You are",
            "on_behalf_of": "On whose behalf (agents only)",
            "regime": "Which law do you rely on?",
            "work_description": "What is the original work?",
            "original_location": "Where can we see the original?",
            "original_published_on": "When was the original first published?",
            "first_publication_proof": "How can we check that date?",
            "explanation": "Why do you believe our use infringes your rights?",
            "remedy": "What should we do?",
            "statement_good_faith": (
                "I believe in good faith that this use is not authorised by the rights holder, their agent or the law."
            ),
            "statement_accuracy": (
                "The information in this complaint is accurate, and under penalty of perjury I am the rights "
                "holder or authorised to act for them."
            ),
            "statement_fair_use": (
                "I have considered whether this use could be a permitted quotation, fair use or fair dealing."
            ),
            "signature": "Signature: type your full name",
        }
        help_texts = {
            "notifier_name": "As it should appear on the complaint.",
            "notifier_email": "We send a confirmation link here. The complaint reaches our officers only once you "
            "open it.",
            "notifier_phone": "With the country code, e.g. +86 10 1234 5678.",
            "notifier_address": "Where legal letters can reach you.",
            "on_behalf_of": "The person or company that owns the rights, if that is not you.",
            "regime": "It sets the deadlines that apply. If you are not sure, choose “Not sure”.",
            "work_description": "For example: “my photograph of the Astana conference hall, taken 7 September "
            "2013”, or “my article on port investment, 1,800 words”.",
            "original_location": "A link to where it was first published, or where a copy can be seen.",
            "original_published_on": "Pick the date from the calendar. An approximate date is fine: say so below.",
            "first_publication_proof": "For example an archive link, a registration number, the camera's original "
            "file, or the issue of the publication it appeared in.",
            "explanation": "Which parts are yours, and how our copy uses them.",
            "signature": "Typing your name here signs the complaint.",
        }
        widgets = {
            "notifier_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "notifier_organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "notifier_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "notifier_phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "notifier_address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "notifier_country": forms.TextInput(attrs={"autocomplete": "country-name"}),
            "capacity": forms.RadioSelect,
            "remedy": forms.RadioSelect,
            "work_description": forms.Textarea(attrs={"rows": 3}),
            "original_location": forms.Textarea(attrs={"rows": 2}),
            "original_published_on": forms.DateInput(attrs={"type": "date"}),
            "first_publication_proof": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("statement_good_faith", "statement_accuracy", "statement_fair_use"):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = "This statement is required to file a complaint."
        self.fields["capacity"].choices = Complaint.Capacity.choices
        self.fields["remedy"].choices = Complaint.Remedy.choices
        self.fields["evidence"].help_text = evidence_help(public=True)
        self.fields["urls"].help_text = self.fields["urls"].help_text.replace("1,000", f"{max_urls():,}")
        self.existing_items: list[ComplaintItem] = []

    def steps(self):
        return [(title, intro, [self[name] for name in names]) for title, intro, names in self.STEPS]

    def clean_original_published_on(self):
        value = self.cleaned_data["original_published_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("This date is in the future.")
        return value

    def clean_evidence(self):
        evidence = self.cleaned_data["evidence"]
        # The same rule complaint_file applies again: a new complaint is unconfirmed.
        refusal = evidence_refusal(self.instance, [upload.size for upload in evidence])
        if refusal:
            raise forms.ValidationError(refusal, code="too_much")
        return evidence

    def clean_urls(self):
        targets, errors = resolve_urls(self.cleaned_data["urls"])
        if errors:
            raise forms.ValidationError([str(error) for error in errors])
        if not targets:
            raise forms.ValidationError("Give at least one address on this site.")
        return targets

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("capacity") == Complaint.Capacity.AGENT and not cleaned.get("on_behalf_of", "").strip():
            self.add_error("on_behalf_of", "Name the rights holder you act for.")
        email = (cleaned.get("notifier_email") or "").strip().lower()
        targets = cleaned.get("urls") or []
        if email:
            suspension = NotifierSanction.objects.suspension_for(
                email=email, organisation=cleaned.get("notifier_organisation", "")
            )
            if suspension is not None:
                raise forms.ValidationError(
                    "Complaints from this address or organisation are suspended until "
                    f"{timezone.localtime(suspension.ends_at):%d %B %Y} because earlier complaints were manifestly "
                    "unfounded. Write to us through the contact page if you think this is a mistake.",
                    code="suspended",
                )
        if email and targets:
            by_key = {target.key: target for target in targets}
            barred = ComplaintItem.objects.barred_renotice(
                email=email, organisation=cleaned.get("notifier_organisation", ""), keys=by_key
            ).select_related("complaint")
            barred_messages = {
                item.target_key: (
                    f"Line {by_key[item.target_key].line} ({by_key[item.target_key].url}): this content was restored "
                    f"after a valid counter-notice to your complaint {item.complaint.reference}. Under the PRC "
                    "regulations we cannot accept a new complaint about the same work; you may take the matter to "
                    "the authorities or a court."
                )
                for item in barred
            }
            if barred_messages:
                self.add_error("urls", list(barred_messages.values()))
                return cleaned
            self.existing_items = list(
                ComplaintItem.objects.filter(
                    notifier_key=notifier_identity(email=email).email, target_key__in=by_key, is_open=True
                )
                .select_related("complaint")
                .order_by("complaint_id", "position")
            )
            if self.existing_items:
                self.add_error(
                    "urls", [self._duplicate_message(item, by_key[item.target_key]) for item in self.existing_items]
                )
        return cleaned

    @staticmethod
    def _duplicate_message(item: ComplaintItem, target) -> str:
        complaint = item.complaint
        if complaint.reference:
            return (
                f"Line {target.line} ({target.url}): you already have an open complaint about this, "
                f"{complaint.reference}. Follow it with the tracking link in our acknowledgement email; "
                "you can add information there."
            )
        return (
            f"Line {target.line} ({target.url}): you already sent a complaint about this on "
            f"{timezone.localtime(complaint.created_at):%d %B %Y} that is waiting for you to confirm your email. "
            "We have sent the confirmation link again."
        )


class AddInformationForm(PublicForm):
    text = forms.CharField(
        label="Your message",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Answer our question, or add anything that helps us decide.",
    )
    evidence = EvidenceField(label="Files (optional)")
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = evidence_help(public=False)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("evidence") and not self.errors:
            raise forms.ValidationError("Write a message or attach a file.")
        return cleaned


class WithdrawForm(PublicForm):
    confirm = forms.BooleanField(
        label="I withdraw this complaint. I understand that it will be closed and that we take no further action.",
        error_messages={"required": "Tick the box to confirm that you withdraw the complaint."},
    )
    reason = forms.CharField(
        label="Why (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)


# --- contact ------------------------------------------------------------------------------------------------


class ContactForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = ContactInquiry
        fields = ["kind", "name", "email", "organisation", "subject", "message"]
        labels = {"kind": "Your message is about", "organisation": "Organisation (optional)"}
        help_texts = {
            "kind": "To complain that content infringes your copyright, use the complaint form instead: it is faster.",
            "email": "We reply to this address. We never publish it.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ContactInquiry.Kind.choices


# --- after a decision: appeals, court actions, counter-notices ----------------------------------------------


class AppealForm(PublicForm):
    reasons = forms.CharField(
        label="Why should the decision change?",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say what the officer got wrong or missed. A different officer reviews the appeal.",
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)


class CourtActionForm(PublicForm):
    details = forms.CharField(
        label="The court action",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The court, the case number and the date you filed the action to stop the infringement.",
    )
    confirm = forms.BooleanField(
        label="I have filed this action in a court, and I understand that the content stays down while it lasts.",
        error_messages={"required": "Tick the box to confirm that you have started a court action."},
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)


class CounterNoticeForm(PublicForm):
    """The elements a counter-notice must have under the complaint's regime (`moves.counter_notice_requirements`)."""

    items = forms.TypedMultipleChoiceField(
        label="Which content should come back?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each item is shown with the address where it was before the measure.",
    )
    name = forms.CharField(
        label="Your full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(
        label="Postal address",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    phone = forms.CharField(
        label="Telephone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    explanation = forms.CharField(
        label="Why was this removed by mistake, or why does it not infringe?",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For example: we hold a licence, the picture is our own, the passage is a permitted quotation. "
        "Say where the proof can be seen.",
    )
    statement_mistake = forms.BooleanField(
        label="I swear, under penalty of perjury, that I have a good faith belief that the material was removed or "
        "disabled as a result of mistake or misidentification of the material.",
        error_messages={"required": "This statement is required for a counter-notice."},
    )
    statement_jurisdiction = forms.BooleanField(
        label="I consent to the jurisdiction of the Federal District Court for the judicial district of my address "
        "(or, if my address is outside the United States, any judicial district in which the site may be found), "
        "and I will accept service of process from the person who made the complaint or their agent.",
        required=False,
    )
    signature = forms.CharField(
        label="Signature: type your full name", max_length=200, help_text="Typing your name signs the counter-notice."
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, items=(), requirements: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(item.pk, f"{item.get_kind_display()}: {item.url}") for item in items]
        for name, message in (requirements or {}).items():
            field = self.fields[name]
            field.required = True
            field.error_messages["required"] = message
