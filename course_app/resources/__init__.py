"""Course material files (resources): upload by authors, type checked by content, served to the
course's editors and enrolled leaders from a storage folder outside the static folder."""
