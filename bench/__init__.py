"""The benchmark: generate datasets, load the real app and a bare baseline app, report the ratio.

Run from the checkout: ``python -m bench generate|run|cost|scale-out`` (docs/performance.md).
Not part of the installed package; it imports ``course_app`` like any other client would.
"""
