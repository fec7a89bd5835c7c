"""Stage 6, report: tables, formatting and the command-line report built from earlier stages."""
