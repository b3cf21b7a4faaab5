"""Talking to Google Cloud (or the local emulator): clients, retries, operation waits, error mapping.

Everything here imports the Google client libraries lazily: `crpatterns --help` must not pay for them.
"""
