"""Welfare interviews: what a consular officer learns seeing a detainee (CON-05, CON-08)."""
