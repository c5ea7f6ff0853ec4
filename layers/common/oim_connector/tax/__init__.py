"""Avalara AvaTax: the tax port, its adapter on Avalara's own SDK, calculation before export and
the post-and-commit job after posting (connector-spec §10)."""
