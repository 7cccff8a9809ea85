"""The Streamlit app's parts, one job per module: resources (the engine, built once), the
sidebar, the answer view, the entity page, ingest results and the export. app.py wires them
into a page. Nothing here does retrieval or answering: that is kb's job."""
