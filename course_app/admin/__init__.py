"""The authoring and management area (issue 3). Owns no models: it calls other domains' services."""
