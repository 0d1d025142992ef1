"""What happened on the desk, announced once for whoever listens: notifications, e-mail, webhooks.

Each signal is sent by the service that makes the change, inside its transaction; a receiver that does work
outside the database (mail, a webhook delivery) queues it with ``transaction.on_commit`` so that nothing is
announced for a change that was rolled back. Receivers are connected in ``ClaimsConfig.ready``.

The keyword arguments each signal carries are listed beside it; ``actor`` is the user who acted, or None for the
product itself (a re-check, a reminder).
"""

from django.dispatch import Signal

# A claim's or an article's assignee or reviewer was set: target (Claim or Article), user, role ("assignee" |
# "reviewer"), actor.
assigned = Signal()

# A comment mentions desk members: comment, users (the newly mentioned ones only), actor.
mentioned = Signal()

# A claim's status changed: claim, event (the ClaimEvent written), source (status before), target (status after),
# actor. Sent back, published, corrected and retracted are all told by it.
status_changed = Signal()

# A claim's verdict changed, with or without a status change: claim, before, after, actor.
verdict_changed = Signal()

# A re-check found that a source under claims changed or went dead: source, capture, change ("changed" | "dead").
source_changed = Signal()

# A claim resembling this one was found: claim, similar (the other Claim), score.
similar_found = Signal()

# A claim is due soon, past its due date, or has sat in one status longer than the desk allows: claim, user,
# reason ("due" | "overdue" | "stale").
reminder = Signal()
