"""marshmallow schemas: the shape of every request and response, and the source of
``/openapi.json``. Output schemas are written by hand so email and IP can never leak."""
