"""People: bringing leaders, chairs, facilitators and coordinators in from a CSV file (CLI and admin area)."""
