"""RealDID's HTTP services (FastAPI): thin routers over the libraries."""
