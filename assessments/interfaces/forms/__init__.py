"""The forms of the ways in, one module per area. The web pages show them; the REST API
validates its JSON with the same forms, so both accept the same things and say the same
when they do not. Model rules (constraints, ``clean``) give the validation messages."""
