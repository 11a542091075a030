"""The Streamlit front end: wiring only. Every figure and number comes from ``simulator``."""
