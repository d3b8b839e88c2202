"""The "1+1+N" case management domain (issue 5): case files, requests, assignments, services,
timeline, follow-up cadence and work queues. See docs/cases.md."""
