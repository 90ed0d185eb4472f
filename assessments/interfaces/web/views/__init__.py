"""The web app, one module per area; each module exports its own ``urlpatterns``."""
