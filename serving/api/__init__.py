"""HTTP routes, one module per resource; each route stays thin."""
