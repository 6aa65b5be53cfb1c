"""The Django project: settings, the root URLconf and the WSGI entry point, apart from the board's code."""
