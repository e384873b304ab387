"""Families: status lookup codes given to a detained person's emergency contacts."""
