"""The plan/apply engine: desired resources in, a reviewed plan out, then reality, safely and fast."""
