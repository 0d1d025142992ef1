"""What the services raise when they refuse a change. Desk views, the API's exception handler and commands catch
these; every service module raises them, so they live below all of them."""

from django.utils.translation import gettext

from claims.models import Claim, ClaimProposal


class Invalid(ValueError):
    """Bad input; ``errors`` maps a field name to a plain message for that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        # Lazy messages become text now, in the language of whoever is being told.
        self.errors = {k: str(v) for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class ArticleInvalid(Invalid):
    """Bad input for an article."""


class ClaimInvalid(Invalid):
    """Bad input for a claim."""


class SourceInvalid(Invalid):
    """Bad input for a source or a piece of evidence."""


class CommentInvalid(Invalid):
    """Bad input for a comment (an empty body, a span not in the text, a reply to another claim's comment)."""


class CommentRefused(Exception):
    """This person may not make this change to a comment (not its author, past the edit window, no desk role)."""


class RevisionRefused(ValueError):
    """A revision cannot be accepted for readers; the message says why, for the reviewer."""


class StaleVersion(Exception):
    """The claim changed since the editor read it; ``current`` is the claim as it is now."""

    def __init__(self, current: Claim, version: int) -> None:
        super().__init__(
            gettext(
                "This claim was changed by someone else (you edited version %(version)s, it is now at version "
                "%(current)s). Review their changes and apply yours again."
            )
            % {"version": version, "current": current.version}
        )
        self.current = current


class ClaimLocked(Exception):
    """A published claim changes only through a correction."""


class ClaimGone(Exception):
    """The claim was deleted after the editor loaded it (by a concurrent delete)."""


class AssignmentInvalid(Invalid):
    """An assignee, reviewer or due date the desk refuses (not a desk member, four eyes, a bad date)."""


class TagInvalid(Invalid):
    """A tag name the desk refuses (empty, too long, no letters to make its address from)."""


class ProposalDecided(Exception):
    """The proposal was already accepted or dismissed (by someone else, or in another tab)."""

    def __init__(self, proposal: ClaimProposal) -> None:
        accepted = proposal.state == ClaimProposal.State.ACCEPTED
        super().__init__(
            gettext("This proposal was already accepted.")
            if accepted
            else gettext("This proposal was already dismissed.")
        )
        self.proposal = proposal
