"""The officers' web workspace: server-rendered pages in Korean and English."""
