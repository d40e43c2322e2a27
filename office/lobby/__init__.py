"""The office's side of the lobby: the counter console (/counter/), the waiting-room display (/display/), the
service records behind them and the calling kiosk's view of its staff call. See office/lobby/web.py."""
