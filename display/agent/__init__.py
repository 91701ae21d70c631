"""The display agent: drives a hall's LED window signs from the hall server's live events.

It runs outside the server (`onewindow display-agent`), connects as a Socket.IO client with an
agent device token, receives the hall snapshot on every (re)connect and then events, and keeps
every sign showing what its window is doing. `plan` decides the texts (pure), `agent` talks to
the server and to the signs.
"""
