"""Adapters at the edge: Firestore, Pub/Sub, Firebase Auth. Heavy client
libraries are imported inside the adapters, on first use."""
