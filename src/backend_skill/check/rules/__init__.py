"""The rules, one module per practice area. Every module here is imported by
`registry.all_rules()`; rule classes register themselves, so a new file needs no other edit."""
