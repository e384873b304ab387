"""Counsel, interpreters and support organisations: a post's roster, the referrals of cases
to them with the detainee's consent, and the hearings and bond of a case."""
