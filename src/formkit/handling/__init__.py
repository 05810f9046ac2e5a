"""How the city handles a dossier after filing: its organisation, procedures and deadlines.

Plain Python like the forms core: the organisation file and the forms' procedures in, deadlines
and default advisers out. The database and the pages sit at the edges.
"""
