"""One router per resource: each route parses, authorises, calls a command or query, shapes the answer."""
