"""The officers' forms on a complaint's page in the admin: each collects what one move needs and hands it to
the move (`editorial.copyright.moves`), which checks the rules."""

from __future__ import annotations

from django import forms

from editorial.models import ComplaintItem, Measure

from . import moves

# --- the officers' panel in the admin (editorial/complaints_admin.py) ---------------------------------------


def _reasons_field(label: str, *, required: bool = True, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=20000, widget=forms.Textarea(attrs={"rows": rows, "cols": 80})
    )


class DecisionForm(forms.Form):
    """A decision on every item of a complaint: the officer's first decision, or the items an appeal changes.

    Fields are named `item-<id>-<field>`; `decisions()` turns them into `moves.ItemDecision`s.
    """

    reasons = _reasons_field("Reasons for the decision (the notifier and the affected parties read them)")
    manifestly_unfounded = forms.BooleanField(
        required=False,
        label="Reject as manifestly unfounded (counts towards warning, then suspending, the notifier)",
    )

    def __init__(self, *args, items, live_measures: dict | None = None, require_items: bool = True, **kwargs):

        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.require_items = require_items
        live_measures = live_measures or {}
        outcomes = [("", "— choose —")] + [
            (value, label) for value, label in ComplaintItem.Outcome.choices if value != ComplaintItem.Outcome.PENDING
        ]
        for item in self.items:
            prefix = f"item-{item.pk}-"
            kinds = [("", "No measure")]
            if item.article_id:
                kinds += [(Measure.Kind.WITHHOLD_ARTICLE, Measure.Kind.WITHHOLD_ARTICLE.label)]
                kinds += [(Measure.Kind.CORRECT, Measure.Kind.CORRECT.label)]
            if item.image_id:
                kinds += [(Measure.Kind.REMOVE_IMAGE, Measure.Kind.REMOVE_IMAGE.label)]
            live = live_measures.get(item.pk)
            current = item.outcome if item.outcome != ComplaintItem.Outcome.PENDING else ""
            self.fields[prefix + "outcome"] = forms.ChoiceField(
                label="Outcome", choices=outcomes, required=require_items, initial=current
            )
            self.fields[prefix + "measure"] = forms.ChoiceField(
                label="Measure", choices=kinds, required=False, initial=live.kind if live else ""
            )
            self.fields[prefix + "reasons"] = _reasons_field(
                "Reasons for this item (optional: the decision's reasons apply)", required=False, rows=2
            )
            if item.article_id:
                self.fields[prefix + "find"] = forms.CharField(
                    label="Correction: passage to replace or redact",
                    required=False,
                    max_length=5000,
                    initial=item.passage,
                    widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
                )
                self.fields[prefix + "replace"] = forms.CharField(
                    label="Correction: replace it with (empty: a note that it was removed)",
                    required=False,
                    max_length=5000,
                )
                self.fields[prefix + "credit"] = forms.CharField(
                    label="Correction: credit line to add", required=False, max_length=5000
                )
                self.fields[prefix + "public_text"] = forms.CharField(
                    label="Correction: public note shown on the article", required=False, max_length=5000
                )

    def item_rows(self) -> list[tuple]:
        """(item, its bound fields) for the template, in the complaint's order."""
        return [
            (item, [self[name] for name in self.fields if name.startswith(f"item-{item.pk}-")]) for item in self.items
        ]

    def decisions(self) -> list | None:
        """The item decisions, or None when no item was given an outcome (allowed only for appeals)."""

        data = self.cleaned_data
        decisions = []
        for item in self.items:
            prefix = f"item-{item.pk}-"
            outcome = data.get(prefix + "outcome") or ""
            if not outcome:
                continue
            measure = data.get(prefix + "measure") or ""
            correction = None
            if measure == "correct":
                correction = moves.CorrectionSpec(
                    public_text=data.get(prefix + "public_text", ""),
                    find=data.get(prefix + "find", ""),
                    replace=data.get(prefix + "replace", ""),
                    credit=data.get(prefix + "credit", ""),
                )
            decisions.append(
                moves.ItemDecision(
                    item=item.pk,
                    outcome=outcome,
                    measure=measure if outcome != "rejected" else "",
                    reasons=data.get(prefix + "reasons", ""),
                    correction=correction,
                )
            )
        return decisions or None


class AppealDecisionForm(DecisionForm):
    outcome = forms.ChoiceField(
        label="The appeal's outcome",
        choices=[
            ("confirmed", "Confirm the decision (change nothing)"),
            ("reversed", "Reverse the decision"),
            ("varied", "Vary the decision item by item"),
        ],
    )

    def __init__(self, *args, **kwargs):
        kwargs["require_items"] = False
        super().__init__(*args, **kwargs)
        del self.fields["manifestly_unfounded"]
        self.fields["reasons"].label = "Reasons for the appeal's decision (both sides read them)"
        self.order_fields(["outcome", "reasons"])


class RequestInformationForm(forms.Form):
    question = _reasons_field("Question for the notifier (emailed to them and shown on their tracking page)")
    reply_days = forms.IntegerField(
        label="Business days to answer", min_value=1, max_value=60, required=False, help_text="Empty: the regime's."
    )


class ReasonsForm(forms.Form):
    reasons = _reasons_field("Reasons")


class CourtActionRecordForm(forms.Form):
    details = forms.CharField(
        label="The court action (court, case number, date filed)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=5000)
