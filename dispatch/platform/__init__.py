"""What every room stands on: settings, the database, logs, metrics, access, audit, passwords, geocoding."""
