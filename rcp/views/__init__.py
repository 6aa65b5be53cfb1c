"""The board's pages, by subject: meetings, cases on the agenda, dossiers, presentation mode, decisions
and minutes, and the privacy officer's access log. The work they ask for is done by the services beside
them in rcp/ (meetings.py, agenda.py, services.py)."""
