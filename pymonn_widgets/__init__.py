"""pymonn_widgets: live notebook widgets for pymonntorch_core networks."""
