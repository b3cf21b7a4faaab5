"""What every emulated API shares: errors, routing, request validation, state and admin endpoints."""
