"""The families' hotline: calls about a missing relative, matched to cases and the registry."""
