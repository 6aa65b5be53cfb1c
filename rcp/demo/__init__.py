"""The demo database: fictional centres, accounts and patients as data (centres.py, patients.py), and
the loader that turns them into rows (load.py), run by `manage.py demo_data`."""
