"""Printing run reports for people: a readable table, or JSON for machines."""
