"""Administration: settings, field mappings, schedules and the status view, behind the admin API."""
