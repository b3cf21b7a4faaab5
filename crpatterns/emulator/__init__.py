"""A local emulator of the Google Cloud REST APIs crpatterns uses.

It shares no code with the tool's resource modules on purpose: both are checked against Google's own
descriptions (discovery documents, the gcloud CLI), so a mistake in one is caught by the other.
"""
