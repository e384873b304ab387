"""The data key on record: fingerprints, start-up checks, rotation and retirement."""
