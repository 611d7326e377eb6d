"""Problem classes (one module per problem)."""
