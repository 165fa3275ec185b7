"""``python -m course_app`` is the same as the ``course-app`` command."""

from course_app.cli import main

main()
