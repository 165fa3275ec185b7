"""GDPR rights in the product: a person's own data as a download (``export``), erasing a person
by anonymising her (``erasure``), and the retention purge of ended rounds. The rules: docs/privacy.md."""
