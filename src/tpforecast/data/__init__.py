"""Stage 1, data: read, clean, classify and derive the enrolment series (no models here)."""
