"""Workshops across the two organisations. For now the table planner: pure, no database, no web.

``planner.plan_tables`` proposes a table plan, ``evaluation.evaluate_plan`` judges any plan (also one a
facilitator changed by hand); the rules are described in docs/architecture.md ("Table plans").
"""
