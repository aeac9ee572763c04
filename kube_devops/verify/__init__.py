"""Stack verification: live scrapes, Prometheus queries, diagnosis of empty panels, reports."""
