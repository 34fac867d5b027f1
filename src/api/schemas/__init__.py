"""Request and response bodies of the HTTP contract, apart from the domain."""
