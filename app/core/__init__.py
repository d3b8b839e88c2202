"""Cross-cutting pieces: database base, access control, audit, errors, masking, clock."""
