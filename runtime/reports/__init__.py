"""Reports and dashboards for their readers: running definitions under the permission gate, drill-down, exports."""
