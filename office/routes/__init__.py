"""The office API's routers, one module per job; office/app.py assembles them. Each router is made by a function
given what it uses (the backend, the group commit, the lobby), so nothing here reaches for a global."""
