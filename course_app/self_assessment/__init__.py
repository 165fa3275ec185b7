"""Taking the competence wheel's self-assessment, anonymously by design (issue 14, docs/privacy.md)."""
