"""The flight home: flights of an incident, who is on them, and the manifest."""
