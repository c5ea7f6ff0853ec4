"""Runs the Lambda handlers on one machine, as SAM would: the local org for Salesforce,
moto for AWS, and the handler modules loaded from ``functions/<name>/app.py``."""
