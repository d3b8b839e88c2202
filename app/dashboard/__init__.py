"""dashboard domain: the targets dashboard (总体目标), its counters, drill-downs and exports."""
