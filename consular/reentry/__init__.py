"""After return: the re-entry assessment, the assurances given and what happened."""
