"""The digital competence wheel (issue 14): assessment definitions as files, and what is built on them."""
