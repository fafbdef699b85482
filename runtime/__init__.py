"""The running system: identity, records, flows, reports and audit behind the HTTP API."""
