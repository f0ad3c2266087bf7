"""The agents' console and the occupier and contractor sides: server-rendered pages (Jinja2 +
htmx, every asset shipped in the package). It sits beside `api/`: both call the services."""
