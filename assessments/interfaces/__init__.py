"""The interfaces: the ways people and programs reach the domain. A Django app of its own
(label ``kia_interfaces``, no models) so that Django finds its ``templatetags``,
``management`` commands and ``admin`` here.

* ``web``: the pages (``views``, one module per area, and ``urls``);
* ``api``: the REST API under ``/api/v1/``;
* ``forms``: the forms both use (``ROW_FORMS``: the forms of each kind of row);
* ``admin``, ``templatetags``, ``management`` (commands), ``demo`` (the demo's data).

The web pages and the API are independent of each other (the import contract says so).
"""
