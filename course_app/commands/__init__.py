"""Command groups of ``course-app`` that ``course_app.cli`` adds to the command (one module each)."""
