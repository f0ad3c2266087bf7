"""How long a person's text may be: one value for the JSON API's schemas and the console's
forms (which tell the person the limit), so the two never disagree."""

from __future__ import annotations

TITLE_MAX = 255  # an issue's title ("What is wrong"), as its column
DESCRIPTION_MAX = 20_000  # an issue's details
NOTES_MAX = 20_000  # completion notes, a quote's notes
COMMENT_MAX = 20_000  # a comment on an issue
FEEDBACK_MAX = 5_000  # the occupier's comment with a rating
REASON_MAX = 2_000  # why an issue is closed, cancelled or forwarded
ADDRESS_MAX = 2_000  # a free-typed address
