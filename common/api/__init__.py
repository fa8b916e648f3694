"""HTTP plumbing shared by the API functions: routing, auth, errors, messages, OpenAPI."""
