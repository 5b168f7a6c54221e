"""One router per resource. Route bodies parse, call the domain, shape the response."""
