"""Public pages anyone may open without an account: the home page and the consulta RUT."""
