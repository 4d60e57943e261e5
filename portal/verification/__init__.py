"""Documents by their code: public verification, and the download of stored PDFs."""
