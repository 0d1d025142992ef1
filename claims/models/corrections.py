"""A proposed correction of a published claim: four eyes for what readers see after publication too.

A reviewer's correction, retraction or edit of a published claim is first kept here, pending; the claim's public
page, feeds, public API and ClaimReview exports show the published version until another reviewer approves it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.workflow import PUBLIC_TEXT


class ClaimCorrection(models.Model):
    class Kind(models.TextChoices):
        CORRECT = "correct", _("Correction of the verdict")
        RETRACT = "retract", _("Retraction")
        EDIT = "edit", _("Correction of the claim")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    #: What readers would get: the verdict and rationale (a correction of the verdict), and the public note.
    verdict = models.CharField(max_length=16, blank=True)
    rationale = models.TextField(blank=True)
    public_note = models.TextField()
    #: An edit's change, kept to be made on approval: {"service": name, "arguments": {...}} (the services' own
    #: arguments, as JSON); empty for a correction of the verdict or a retraction.
    operation = models.JSONField(default=dict, blank=True)
    #: What changes, {"field": [before, after]}, as the desk shows it.
    changes = models.JSONField(default=dict, blank=True)
    #: Who last wrote each piece of the proposal's public text ({field: user id}): none of them may approve it.
    authors = models.JSONField(default=dict, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The decision's internal comment (why it was sent back); never shown to readers.
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["claim", "-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=models.Q(state="pending"), name="claimcorrection_one_pending_per_claim"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["correct", "retract", "edit"]), name="claimcorrection_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.claim_id} {self.kind} {self.state}"

    @property
    def target(self) -> str:
        """The status the claim takes when this is approved."""
        return "retracted" if self.kind == self.Kind.RETRACT else "corrected"

    def written_by(self, user_id: int) -> list[str]:
        """The desk's names of the public text ``user_id`` wrote in this proposal."""
        return [
            gettext(PUBLIC_TEXT[name]) for name, uid in self.authors.items() if uid == user_id and name in PUBLIC_TEXT
        ]
