"""The web pages: ``views`` (one module per area, each with its ``urlpatterns``), ``urls``,
``links`` (addresses of what pages show) and ``context_processors``."""
