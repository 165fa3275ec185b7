"""Which self-assessment a round uses (this platform's or an external tool), set by round staff."""
