"""The model: resources and the normalized workload view that platform adapters build (no pytest)."""
